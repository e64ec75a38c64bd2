using Cronos;
using Rollout.Topology.Model;

namespace Rollout.Backup.Scheduling;

/// <summary>A job of the worker: a backup tier or the restore test, with its cron expression.</summary>
public sealed record ScheduledJob(string Name, CronExpression Cron, BackupSchedule? Tier);

/// <summary>
/// The cron expressions of rollout.yaml in the estate's time zone (UTC), read with Cronos. Next() gives the earliest
/// due job after a moment; jobs due at the same minute come in the estate's order, the restore test last.
/// </summary>
public sealed class ScheduleCalendar(BackupPolicy policy)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(policy.Timezone);

    public IReadOnlyList<ScheduledJob> Jobs { get; } =
    [
        .. policy.Schedules.Select(s => new ScheduledJob(s.Name, CronExpression.Parse(s.Cron), s)),
        .. policy.RestoreTestCron.Length > 0 ? [new ScheduledJob("restore-test", CronExpression.Parse(policy.RestoreTestCron), null)] : Array.Empty<ScheduledJob>(),
    ];

    /// <summary>The jobs due at the earliest occurrence strictly after <paramref name="after"/>.</summary>
    public (DateTimeOffset At, IReadOnlyList<ScheduledJob> Jobs) Next(DateTimeOffset after)
    {
        var occurrences = Jobs.Select(j => (Job: j, At: j.Cron.GetNextOccurrence(after, _zone))).Where(o => o.At is not null).ToList();
        if (occurrences.Count == 0) throw new BackupInputException("backup.schedules: no cron expression ever fires.");
        var at = occurrences.Min(o => o.At!.Value);
        return (at, occurrences.Where(o => o.At == at).Select(o => o.Job).ToList());
    }
}
