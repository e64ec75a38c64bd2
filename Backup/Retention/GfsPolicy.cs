using System.Globalization;
using Rollout.Topology.Model;

namespace Rollout.Backup.Retention;

/// <summary>A snapshot's verdict: kept (with the periods it is the newest of) or removed.</summary>
public sealed record RetentionDecision(string Id, DateTimeOffset Time, bool Keep, IReadOnlyList<string> Reasons);

/// <summary>
/// Grandfather-father-son retention with restic's exact semantics (internal/restic/snapshot_policy.go): walking the
/// snapshots newest first, each of keep-daily/-weekly/-monthly keeps a snapshot when its period (UTC day, ISO week,
/// month) differs from the last period that rule kept, until the rule's count is used up; the rules are ORed. So the
/// newest snapshot of a period is kept, and periods without a snapshot do not count.
/// </summary>
public sealed record GfsPolicy(int Daily, int Weekly, int Monthly)
{
    /// <summary>The estate's schedules: a retention in days feeds keep-daily, weeks keep-weekly, months keep-monthly.</summary>
    public static GfsPolicy From(BackupPolicy policy) => new(
        policy.Schedules.Where(s => s.Retention.Unit == RetentionUnit.Days).Sum(s => s.Retention.Count),
        policy.Schedules.Where(s => s.Retention.Unit == RetentionUnit.Weeks).Sum(s => s.Retention.Count),
        policy.Schedules.Where(s => s.Retention.Unit == RetentionUnit.Months).Sum(s => s.Retention.Count));

    public override string ToString() => $"keep-daily {Daily}, keep-weekly {Weekly}, keep-monthly {Monthly}";

    public IReadOnlyList<RetentionDecision> Apply(IEnumerable<(string Id, DateTimeOffset Time)> snapshots)
    {
        var buckets = new[]
        {
            new Bucket("daily", Daily, t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new Bucket("weekly", Weekly, t => $"{ISOWeek.GetYear(t)}-W{ISOWeek.GetWeekOfYear(t):00}"),
            new Bucket("monthly", Monthly, t => t.ToString("yyyy-MM", CultureInfo.InvariantCulture)),
        };
        var decisions = new List<RetentionDecision>();
        foreach (var (id, time) in snapshots.OrderByDescending(s => s.Time))
        {
            var utc = time.UtcDateTime;
            var reasons = new List<string>();
            foreach (var bucket in buckets)
            {
                if (bucket.Remaining <= 0) continue;
                var period = bucket.PeriodOf(utc);
                if (period == bucket.Last) continue;
                bucket.Last = period;
                bucket.Remaining--;
                reasons.Add($"{bucket.Name} {period}");
            }
            decisions.Add(new RetentionDecision(id, time, reasons.Count > 0, reasons));
        }
        return decisions;
    }

    private sealed class Bucket(string name, int count, Func<DateTime, string> periodOf)
    {
        public string Name { get; } = name;
        public int Remaining { get; set; } = count;
        public string? Last { get; set; }
        public string PeriodOf(DateTime time) => periodOf(time);
    }
}
