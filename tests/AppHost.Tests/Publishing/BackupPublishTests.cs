using Rollout.AppHost.Publishing;

namespace Rollout.AppHost.Tests.Publishing;

/// <summary>
/// `publish` writes what production needs to run the backups (Backup's generator): a systemd service and timer per
/// schedule of rollout.yaml plus the restore test, accepted by systemd's own `systemd-analyze verify`, and an
/// environment-file template naming the backup secrets without a value.
/// </summary>
public sealed class BackupPublishTests
{
    private static readonly string[] Jobs = ["daily", "weekly", "monthly", "restore-test"];

    [Fact]
    public async Task Publish_writes_the_backup_units_that_systemd_verifies_and_the_secret_template()
    {
        using var published = await PublishedEstate.PublishAsync();
        var units = Jobs.SelectMany(job => new[] { $"backup/rollout-backup-{job}.service", $"backup/rollout-backup-{job}.timer" }).ToList();
        foreach (var unit in units.Append("backup/backup.env.template"))
            Assert.True(File.Exists(published.PathOf(unit)), $"{unit} not written by publish");

        var verify = await ProcessRunner.RunAsync("systemd-analyze", ["verify", "--man=no", .. units.Select(published.PathOf)],
            workingDirectory: Path.Combine(published.Directory, "backup"));
        Assert.True(verify.ExitCode == 0 && verify.All.Trim().Length == 0, $"systemd-analyze verify: exit {verify.ExitCode}{Environment.NewLine}{verify.All}");
        Assert.Contains("OnCalendar=*-*-01 04:00:00 UTC", published.Text("backup/rollout-backup-monthly.timer"));
        Assert.Contains("run --env production --tier monthly", published.Text("backup/rollout-backup-monthly.service"));
        var template = published.Text("backup/backup.env.template");
        Assert.Contains("\nBACKUP_REPOSITORY_PASSWORD=    # ", template);
        Assert.Contains("\nBACKUP_OFFSITE_PASSWORD=    # ", template);
    }

    [Fact]
    public async Task A_broken_unit_is_what_systemd_analyze_verify_rejects()
    {
        // Proves the check above can fail: the same unit with a typo in a value.
        using var published = await PublishedEstate.PublishAsync();
        var broken = published.PathOf("backup/rollout-backup-daily.service");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(broken)).Replace("Type=oneshot", "Type=oneshoot", StringComparison.Ordinal));
        var verify = await ProcessRunner.RunAsync("systemd-analyze", ["verify", "--man=no", broken, published.PathOf("backup/rollout-backup-daily.timer")]);
        Assert.Contains("oneshoot", verify.All);
    }

    [Fact]
    public async Task A_schedule_systemd_cannot_express_fails_publish_naming_it_and_writes_nothing()
    {
        var estate = PublishedEstate.Estate with { Backup = PublishedEstate.Estate.Backup with { RestoreTestCron = "0 5 1 * 1" } };
        var directory = PublishedEstate.NewDirectory();
        var error = await Assert.ThrowsAsync<PublishException>(() => PublishedEstate.PublishAsync(directory: directory, estate: estate));
        Assert.Contains("backup.restoreTest", error.Message);
        Assert.Contains("'0 5 1 * 1'", error.Message);
        Assert.Contains("day-of-month OR day-of-week", error.Message);
        Assert.False(Directory.Exists(directory), "nothing may be written when a file cannot be rendered");
    }
}
