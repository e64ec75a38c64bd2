using System.Globalization;
using Cronos;
using Rollout.Backup.Publishing;
using Rollout.Topology.Loading;
using Rollout.Topology.Secrets;

namespace Rollout.Backup.Tests;

/// <summary>The production units: systemd's own calendar parser must fire exactly when Cronos says rollout.yaml's cron fires.</summary>
public sealed class PublishingTests
{
    private static readonly Topology.Model.Estate Estate = EstateLoader.LoadFile(EstateLoader.Locate(AppContext.BaseDirectory));

    [Theory]
    [InlineData("0 2 * * *")]
    [InlineData("0 3 * * 0")]
    [InlineData("0 4 1 * *")]
    [InlineData("0 5 1 */3 *")]
    [InlineData("30 1-3 * * 1-5")]
    [InlineData("15,45 */6 * 1,7 *")]
    public async Task OnCalendar_fires_when_the_cron_expression_does(string cron)
    {
        var onCalendar = CronToOnCalendar.Convert(cron, "UTC");
        var result = await ProcessRunner.RunAsync("systemd-analyze", ["calendar", "--iterations=6", onCalendar]);
        Assert.True(result.ExitCode == 0, result.Error);
        var systemd = result.Output.Split('\n')
            .Where(l => l.Contains("Next elapse:", StringComparison.Ordinal) || l.Contains("Iter. #", StringComparison.Ordinal))
            .Select(l => DateTime.ParseExact(l[(l.IndexOf(':') + 2)..].Trim()[4..].Replace(" UTC", "", StringComparison.Ordinal), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
            .ToList();
        var expression = CronExpression.Parse(cron);
        var cronos = new List<DateTime>();
        var from = DateTime.UtcNow;
        while (cronos.Count < 6) cronos.Add(from = expression.GetNextOccurrence(from, TimeZoneInfo.Utc)!.Value);
        Assert.Equal(cronos, systemd);
    }

    [Theory]
    [InlineData("0 2 1 * 1", "cron runs when day-of-month OR day-of-week matches")]
    [InlineData("0 2 L * *", "L, W, # and ? have no systemd OnCalendar form")]
    [InlineData("0 1-10/2 * * *", "a stepped range ('1-10/2') has no systemd form")]
    [InlineData("0 2 * *", "expected 5 fields")]
    public void What_systemd_cannot_express_is_refused_with_the_reason(string cron, string reason)
    {
        var error = Assert.Throws<PublishException>(() => CronToOnCalendar.Convert(cron, "UTC"));
        Assert.Contains(reason, error.Message);
        Assert.Contains(cron, error.Message);
    }

    [Fact]
    public void Every_schedule_gets_a_serialised_jitter_free_service_and_timer_and_no_secret_value()
    {
        var files = new BackupUnitsGenerator(Estate, "production").Generate().ToDictionary(f => f.RelativePath, f => f.Content);

        foreach (var tier in new[] { "daily", "weekly", "monthly" })
        {
            var service = files[$"backup/rollout-backup-{tier}.service"];
            Assert.Contains($"ExecStart=/usr/bin/flock /run/lock/rollout-backup.lock /opt/rollout/backup/Rollout.Backup run --env production --tier {tier}", service);
            Assert.Contains("EnvironmentFile=/etc/rollout/backup.env", service);
            var timer = files[$"backup/rollout-backup-{tier}.timer"];
            Assert.Contains("RandomizedDelaySec=0", timer);
            Assert.Contains($"Unit=rollout-backup-{tier}.service", timer);
        }
        Assert.Contains("OnCalendar=*-*-* 02:00:00 UTC", files["backup/rollout-backup-daily.timer"]);
        Assert.Contains("OnCalendar=*-01/3-01 05:00:00 UTC", files["backup/rollout-backup-restore-test.timer"]);
        var template = files["backup/backup.env.template"];
        foreach (var name in new[] { "BACKUP_REPOSITORY_PASSWORD=", "BACKUP_OFFSITE_PASSWORD=", "BACKUP_REPOSITORY=", "BACKUP_OFFSITE_REPOSITORY=", "EXTERNAL_MARIADB_BACKUP_PASS=", "EXTERNAL_POSTGRES_BACKUP_PASS=", "MYSQL_ADMIN_PASS=" })
            Assert.Contains("\n" + name + "    # ", template);
        Assert.Contains(BackupSecrets.LossWarning, template);
        Assert.DoesNotContain(files.Values, content => content.Contains("/var/backups/rollout/restic", StringComparison.Ordinal));
    }
}
