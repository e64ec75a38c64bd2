using Rollout.Backup.Scheduling;
using Rollout.Topology.Loading;

namespace Rollout.Backup.Tests;

/// <summary>The worker's calendar: rollout.yaml's cron expressions in UTC, earliest first, jobs due together in order.</summary>
public sealed class ScheduleTests
{
    private static readonly ScheduleCalendar Calendar = new(EstateLoader.LoadFile(EstateLoader.Locate(AppContext.BaseDirectory)).Backup);

    [Fact]
    public void The_next_job_after_a_moment_is_the_earliest_cron_occurrence()
    {
        // Saturday 2026-11-28 02:30 UTC: the next is Sunday's daily at 02:00, then the weekly at 03:00.
        var (at, jobs) = Calendar.Next(new DateTimeOffset(2026, 11, 28, 2, 30, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 2, 0, 0, TimeSpan.Zero), at);
        Assert.Equal(["daily"], jobs.Select(j => j.Name));
        var (weeklyAt, weekly) = Calendar.Next(at);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero), weeklyAt);
        Assert.Equal(["weekly"], weekly.Select(j => j.Name));
    }

    [Fact]
    public void On_the_first_of_a_quarter_the_monthly_backup_comes_before_the_restore_test()
    {
        var (monthlyAt, monthly) = Calendar.Next(new DateTimeOffset(2027, 1, 1, 3, 30, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 4, 0, 0, TimeSpan.Zero), monthlyAt);
        Assert.Equal(["monthly"], monthly.Select(j => j.Name));
        var (testAt, test) = Calendar.Next(monthlyAt);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 5, 0, 0, TimeSpan.Zero), testAt);
        Assert.Equal(["restore-test"], test.Select(j => j.Name));
    }
}
