using System.Globalization;
using System.Text;
using System.Text.Json;
using Rollout.Topology.Binding;

namespace Rollout.Provisioner.Migration;

/// <summary>
/// Where the application's connection for a migrated database points: written at the cut-over (to the target) and by
/// --rollback (back to the source, which was never changed). A dotenv file with the catalogue's names of the database
/// (MO_VOTES_DB_USER; the password keeps its name MO_VOTES_DB_PASS and its value, so `secrets sync`/`secrets dotenv` carry
/// it as before) plus its host, port and name under the same prefix, for the deploy to read.
/// </summary>
public static class ConnectionSettings
{
    public static string FileOf(string directory, MigrationPair pair) => Path.Combine(directory, $"{pair.Name}.connection.env");

    public static async Task<string> WriteAsync(string directory, MigrationPair pair, ServerEndpoint endpoint, string side, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var prefix = pair.Database.SecretPrefix;
        var text = new StringBuilder()
            .AppendLine($"# {pair.Name}: connection of the application, pointing at the {side} ({endpoint.Name}); written by `migrate` {DateTimeOffset.UtcNow:u}.")
            .AppendLine($"# The password is {pair.Database.PasswordSecretName} (unchanged name and value; synced by `secrets sync` / `secrets dotenv`).")
            .AppendLine($"{prefix}_HOST={endpoint.Host}")
            .AppendLine(CultureInfo.InvariantCulture, $"{prefix}_PORT={endpoint.Port}")
            .AppendLine($"{prefix}_NAME={pair.Name}")
            .AppendLine($"{pair.Database.UserSecretName}={pair.ServiceUser}")
            .AppendLine($"{prefix}_SERVER={endpoint.Name}")
            .ToString();
        var path = FileOf(directory, pair);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, text, cancellationToken);
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>The settings file read back as name → value (comments skipped).</summary>
    public static IReadOnlyDictionary<string, string> Read(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('='))
            .ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);

    public static string Describe(IReadOnlyDictionary<string, string> settings) => JsonSerializer.Serialize(settings);
}
