using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rollout.Monitor.Backups;

/// <summary>One backup run of one database in one tier, as the Backup worker records it.</summary>
public sealed record BackupRecord(
    [property: JsonPropertyName("database")] string Database,
    [property: JsonPropertyName("tier")] string Tier,
    [property: JsonPropertyName("completedAt")] DateTimeOffset CompletedAt,
    [property: JsonPropertyName("status")] string Status);

/// <summary>The status file: every recent backup run (docs/monitoring.md, "Backup status file").</summary>
public sealed record BackupStatus(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("backups")] IReadOnlyList<BackupRecord> Backups)
{
    /// <summary>A run counts as good only when its status says so ("ok": dump exited 0 and the snapshot was verified).</summary>
    public const string Good = "ok";

    /// <summary>The newest good backup per database and tier.</summary>
    public IReadOnlyDictionary<(string Database, string Tier), DateTimeOffset> NewestGood() =>
        Backups.Where(b => b.Status == Good)
            .GroupBy(b => (b.Database, b.Tier))
            .ToDictionary(g => g.Key, g => g.Max(b => b.CompletedAt));
}

/// <summary>Reads <c>backup-status.json</c>; a missing file means no backup has run yet, a malformed one is reported.</summary>
public static class BackupStatusFile
{
    public const string FileName = "backup-status.json";
    public const int SupportedVersion = 1;

    public static async Task<BackupStatus?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return null;
        await using var stream = File.OpenRead(path);
        BackupStatus? status;
        try
        {
            status = await JsonSerializer.DeserializeAsync<BackupStatus>(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a backup status file ({e.Message}).", e);
        }
        if (status is null || status.Version != SupportedVersion || status.Backups is null)
            throw new InvalidDataException($"{path}: expected {{\"version\": {SupportedVersion}, \"backups\": [...]}}.");
        return status;
    }
}
