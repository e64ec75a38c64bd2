using System.Text;
using System.Text.RegularExpressions;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Secrets.DotEnv;

/// <summary>
/// A .env file (.env.production, .env.staging) for the apps of phase 5: NAME=value lines, mode 0600,
/// replaced atomically; refused inside the git work tree unless git-ignored. Writing a set keeps the
/// file's other entries, so rotation can promote one password without touching the rest.
/// </summary>
public sealed partial class DotEnvFileTarget(string path, string header) : ISecretTarget
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string Description => $".env file {Path}";

    public async Task<IReadOnlyList<PlannedSecretWrite>> PlanAsync(IReadOnlyList<NamedSecret> secrets, CancellationToken cancellationToken)
    {
        var current = await ReadAsync(cancellationToken);
        return secrets.Select(s => !current.TryGetValue(s.Name, out var value) ? new PlannedSecretWrite(s.Name, SecretChange.Create, "not in the file")
            : value == s.Value.Reveal() ? new PlannedSecretWrite(s.Name, SecretChange.Unchanged, "same value")
            : new PlannedSecretWrite(s.Name, SecretChange.Update, "value differs")).ToList();
    }

    public async Task<IReadOnlyList<PlannedSecretWrite>> WriteAsync(IReadOnlyList<NamedSecret> secrets, CancellationToken cancellationToken)
    {
        await GitIgnoreGuard.EnsureSafeAsync(Path, cancellationToken);
        var plan = await PlanAsync(secrets, cancellationToken);
        var current = await ReadAsync(cancellationToken);
        var merged = new List<KeyValuePair<string, string>>();
        foreach (var secret in secrets) merged.Add(new(secret.Name, secret.Value.Reveal()));
        merged.AddRange(current.Where(c => secrets.All(s => s.Name != c.Key)));

        var text = new StringBuilder();
        foreach (var line in header.Split('\n', StringSplitOptions.RemoveEmptyEntries)) text.Append("# ").Append(line).Append('\n');
        foreach (var (name, value) in merged) text.Append(name).Append('=').Append(Quote(value)).Append('\n');

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temporary = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        await using (var stream = new FileStream(temporary, options))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, Path, overwrite: true);
        return plan;
    }

    /// <summary>The file's entries (name → value); empty when it does not exist.</summary>
    public async Task<Dictionary<string, string>> ReadAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(Path)) return result;
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(Path, cancellationToken))
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var match = LinePattern().Match(line);
            if (!match.Success)
                throw new InvalidDataException($"{Path}:{number}: not a NAME=value line. Fix or delete the file.");
            result[match.Groups["name"].Value] = Unquote(match.Groups["value"].Value);
        }
        return result;
    }

    // Base64 passwords and host names stay bare; anything else is single-quoted (no interpolation in
    // docker compose or dotenv); multi-line values (an SSH key) are double-quoted with \n escapes.
    public static string Quote(string value)
    {
        if (BarePattern().IsMatch(value)) return value;
        if (!value.Contains('\'') && !value.Contains('\n')) return $"'{value}'";
        return "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("$", "\\$").Replace("\r", "").Replace("\n", "\\n") + "\"";
    }

    public static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') return value[1..^1];
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"') return value;
        var text = new StringBuilder();
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length - 1)
            {
                i++;
                text.Append(value[i] == 'n' ? '\n' : value[i]);
            }
            else text.Append(value[i]);
        }
        return text.ToString();
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$")]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_./:@+=,-]*$")]
    private static partial Regex BarePattern();
}
