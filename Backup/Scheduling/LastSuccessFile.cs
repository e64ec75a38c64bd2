using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Rollout.Backup.Scheduling;

/// <summary>
/// The last successful backup per database and tier, for monitoring: &lt;state&gt;/backup/last-success.json and, in node
/// exporter's textfile format, &lt;state&gt;/backup/rollout_backup.prom (gauge rollout_backup_last_success_timestamp_seconds
/// {database, tier}). Both are written to a temporary file and renamed, so a reader never sees half a file.
/// </summary>
public sealed class LastSuccessFile(string backupDirectory)
{
    public const string JsonName = "last-success.json";
    public const string PrometheusName = "rollout_backup.prom";
    public const string Metric = "rollout_backup_last_success_timestamp_seconds";
    private static readonly SemaphoreSlim WriteLock = new(1, 1);

    public string JsonPath => Path.Combine(backupDirectory, JsonName);
    public string PrometheusPath => Path.Combine(backupDirectory, PrometheusName);

    public async Task<IReadOnlyDictionary<string, Dictionary<string, DateTimeOffset>>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(JsonPath)) return new Dictionary<string, Dictionary<string, DateTimeOffset>>();
        await using var stream = File.OpenRead(JsonPath);
        return await JsonSerializer.DeserializeAsync<Dictionary<string, Dictionary<string, DateTimeOffset>>>(stream, cancellationToken: cancellationToken)
            ?? new Dictionary<string, Dictionary<string, DateTimeOffset>>();
    }

    public async Task RecordAsync(string database, string tier, DateTimeOffset time, CancellationToken cancellationToken)
    {
        await WriteLock.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(backupDirectory);
            var all = (await ReadAsync(cancellationToken)).ToDictionary(p => p.Key, p => p.Value);
            if (!all.TryGetValue(database, out var tiers)) all[database] = tiers = [];
            tiers[tier] = time.ToUniversalTime();
            await WriteAtomicallyAsync(JsonPath, JsonSerializer.Serialize(all, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
            var prom = new StringBuilder()
                .AppendLine($"# HELP {Metric} Unix time of the last successful backup (dump exited 0, manifest stored, snapshot tagged good).")
                .AppendLine($"# TYPE {Metric} gauge");
            foreach (var (db, byTier) in all.OrderBy(p => p.Key, StringComparer.Ordinal))
                foreach (var (t, at) in byTier.OrderBy(p => p.Key, StringComparer.Ordinal))
                    prom.AppendLine(CultureInfo.InvariantCulture, $"{Metric}{{database=\"{db}\",tier=\"{t}\"}} {at.ToUnixTimeSeconds()}");
            await WriteAtomicallyAsync(PrometheusPath, prom.ToString(), cancellationToken);
        }
        finally
        {
            WriteLock.Release();
        }
    }

    private static async Task WriteAtomicallyAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}
