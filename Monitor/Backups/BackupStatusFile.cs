using System.Text.Json;

namespace Rollout.Monitor.Backups;

/// <summary>The last successful backup per database and tier, as the Backup worker records it (only successes are recorded).</summary>
public sealed record BackupStatus(IReadOnlyDictionary<string, IReadOnlyDictionary<string, DateTimeOffset>> LastSuccess)
{
    /// <summary>The newest good backup per database and tier.</summary>
    public IReadOnlyDictionary<(string Database, string Tier), DateTimeOffset> NewestGood() =>
        LastSuccess.SelectMany(d => d.Value.Select(t => (Key: (d.Key, t.Key), t.Value))).ToDictionary(p => p.Key, p => p.Value);
}

/// <summary>
/// Reads the Backup worker's <c>&lt;state&gt;/backup/last-success.json</c> (docs/backup.md, "Monitoring"):
/// <c>{ "&lt;database&gt;": { "&lt;tier&gt;": "&lt;ISO 8601 UTC&gt;" } }</c>. A missing file means no backup has run yet; a
/// malformed one is reported.
/// </summary>
public static class BackupStatusFile
{
    /// <summary>Where the Backup worker writes it, relative to the state directory (Backup/Scheduling/LastSuccessFile).</summary>
    public static readonly string RelativePath = Path.Combine("backup", "last-success.json");

    public static async Task<BackupStatus?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return null;
        await using var stream = File.OpenRead(path);
        try
        {
            var map = await JsonSerializer.DeserializeAsync<Dictionary<string, Dictionary<string, DateTimeOffset>>>(stream, cancellationToken: cancellationToken)
                ?? throw new InvalidDataException($"{path}: empty.");
            return new BackupStatus(map.ToDictionary(d => d.Key, d => (IReadOnlyDictionary<string, DateTimeOffset>)d.Value));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not the Backup worker's last-success file, expected {{\"<database>\": {{\"<tier>\": \"<time>\"}}}} ({e.Message}).", e);
        }
    }
}
