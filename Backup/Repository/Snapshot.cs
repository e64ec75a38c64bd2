using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rollout.Backup.Repository;

/// <summary>
/// A restic snapshot as `snapshots --json` lists it. Our tags are key=value: db, tier, run (links a dump with its
/// manifest), kind (dump|manifest) and status=good, added only once the dump exited 0 and its manifest is stored.
/// </summary>
public sealed record Snapshot(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("short_id")] string ShortId,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("hostname")] string Hostname,
    [property: JsonPropertyName("tags")] IReadOnlyList<string>? Tags)
{
    public static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    public const string GoodTag = "status=good";

    public string? Tag(string key) => Tags?.FirstOrDefault(t => t.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];

    public string? Database => Tag("db");
    public string? Tier => Tag("tier");
    public string? Run => Tag("run");
    public bool IsDump => Tag("kind") == "dump";
    public bool IsManifest => Tag("kind") == "manifest";
    public bool IsGood => Tags?.Contains(GoodTag) == true;

    public static IReadOnlyList<string> TagsFor(string database, string tier, string run, string kind) =>
        [$"db={database}", $"tier={tier}", $"run={run}", $"kind={kind}"];
}
