using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rollout.Backup.Manifests;

/// <summary>Row count and an order-independent checksum of a table's rows, computed by a query on the server.</summary>
public sealed record TableChecksum(string Name, long Rows, string Checksum);

/// <summary>What a database holds, as a restore is compared: tables with their checksums and the programmable objects by name.</summary>
public sealed record DatabaseContent(
    IReadOnlyList<TableChecksum> Tables,
    IReadOnlyList<string> Views,
    IReadOnlyList<string> Triggers,
    IReadOnlyList<string> Routines,
    IReadOnlyList<string> Events);

/// <summary>
/// Written at backup time, stored in the repository next to the dump (same run tag): what the backup must restore to,
/// and the versions and sizes that explain it.
/// </summary>
public sealed record Manifest(
    string Database,
    string Server,
    string Engine,
    string Tier,
    string Run,
    string Environment,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    string ServerVersion,
    string DumpTool,
    string ResticVersion,
    long DumpBytes,
    DatabaseContent Content)
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static Manifest Parse(string json, string origin) =>
        JsonSerializer.Deserialize<Manifest>(json, JsonOptions) ?? throw new BackupException($"{origin}: the manifest is empty.");
}
