using Rollout.Backup.Repository;

namespace Rollout.Backup.Retention;

/// <summary>One snapshot prune would remove or keep, and why.</summary>
public sealed record PruneItem(string Database, string Id, string ShortId, DateTimeOffset Time, string Kind, bool Keep, string Reason);

/// <summary>
/// What prune removes: per database, the good dumps outside the GFS set (their manifests with them), and dumps never
/// marked good once they are a day old (a dump still being written is younger). The newest good dump of every
/// database is kept whatever its date, so backups that silently stopped never lose the last one.
/// </summary>
public sealed class PrunePlanner(GfsPolicy policy, TimeProvider clock)
{
    public IReadOnlyList<PruneItem> Plan(IReadOnlyList<Snapshot> snapshots, string? database = null)
    {
        var items = new List<PruneItem>();
        var dumps = snapshots.Where(s => s.IsDump && s.Database is not null && (database is null || s.Database == database)).ToList();
        var keptRuns = new HashSet<string>();
        foreach (var group in dumps.Where(s => s.IsGood).GroupBy(s => s.Database!))
        {
            var newest = group.MaxBy(s => s.Time)!;
            var byId = group.ToDictionary(s => s.Id);
            foreach (var decision in policy.Apply(group.Select(s => (s.Id, s.Time))))
            {
                var snapshot = byId[decision.Id];
                var keep = decision.Keep || snapshot == newest;
                var reason = decision.Keep ? "newest of " + string.Join(", ", decision.Reasons)
                    : keep ? "newest good backup of the database (always kept)"
                    : $"outside {policy}";
                if (keep && snapshot.Run is not null) keptRuns.Add(snapshot.Run);
                items.Add(new PruneItem(group.Key, snapshot.Id, snapshot.ShortId, snapshot.Time, "dump", keep, reason));
            }
        }
        var cutoff = clock.GetUtcNow().AddDays(-1);
        foreach (var failed in dumps.Where(s => !s.IsGood))
        {
            var old = failed.Time < cutoff;
            items.Add(new PruneItem(failed.Database!, failed.Id, failed.ShortId, failed.Time, "dump", !old,
                old ? "never marked good (failed or interrupted backup)" : "not marked good yet (younger than a day: may still be running)"));
            if (!old && failed.Run is not null) keptRuns.Add(failed.Run);
        }
        foreach (var manifest in snapshots.Where(s => s.IsManifest && s.Database is not null && (database is null || s.Database == database)))
        {
            var keep = manifest.Run is not null && keptRuns.Contains(manifest.Run);
            items.Add(new PruneItem(manifest.Database!, manifest.Id, manifest.ShortId, manifest.Time, "manifest", keep,
                keep ? "manifest of a kept backup" : "manifest of a removed backup"));
        }
        return items.OrderBy(i => i.Database, StringComparer.Ordinal).ThenByDescending(i => i.Time).ToList();
    }
}
