using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Rollout.AppHost.Local.Templates;

/// <summary>
/// How to make one engine's pristine, secret-free data directory (the output of mariadb-install-db or
/// initdb), and the key that says when two such outputs are the same: every input that changes the
/// output (server version, options, user, locales, …) is a line of <see cref="Key"/>.
/// </summary>
/// <param name="Name">Short name, part of the cache entry's directory name ("mariadb", "postgresql").</param>
/// <param name="Key">The full key text, stored in the entry's marker and compared on every use.</param>
/// <param name="BuildAsync">Writes the template into the given (empty, existing) directory.</param>
public sealed record DataDirectoryTemplate(string Name, string Key, Func<string, CancellationToken, Task> BuildAsync)
{
    /// <summary>Our own format version: bump it when what we do to a template (or expect of one) changes.</summary>
    public const int FormatVersion = 1;

    /// <summary>The entry's directory name: name plus a hash of the key (the key itself is checked from the marker).</summary>
    public string EntryName => $"{Name}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)))[..16]}";

    /// <summary>Builds key text from (name, value) lines, starting with the format version.</summary>
    public static string KeyOf(params (string Name, string Value)[] parts)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"format={FormatVersion}\n");
        foreach (var (name, value) in parts) text.Append(CultureInfo.InvariantCulture, $"{name}={value.Trim().ReplaceLineEndings(" | ")}\n");
        return text.ToString();
    }

    /// <summary>
    /// The key of an engine's template: the server's --version, both programs' identities, the user
    /// the initialiser runs as, its arguments (data directory left out), then <paramref name="more"/>.
    /// </summary>
    public static async Task<string> KeyAsync(string engine, string server, string initializer, ServerAccount? account,
        IEnumerable<string> arguments, IEnumerable<(string Name, string Value)> more, CancellationToken cancellationToken)
    {
        var version = await Processes.ProgramOutput.ReadAsync(server, ["--version"], cancellationToken);
        return KeyOf([
            ("engine", engine), ("version", version), ("server", FileIdentity(server)), ("initializer", FileIdentity(initializer)),
            ("user", account?.Name ?? Environment.UserName), ("arguments", string.Join(' ', arguments)), .. more]);
    }

    /// <summary>A program's identity beyond its --version text: path, size and modification time (a reinstall rebuilds).</summary>
    private static string FileIdentity(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? $"{file.FullName} {file.Length} {file.LastWriteTimeUtc:O}" : $"{path} missing";
    }
}
