using System.Globalization;
using System.Text.Json;
using Rollout.Backup.Repository;
using Rollout.Backup.Retention;
using Rollout.Backup.Tests.Infrastructure;

namespace Rollout.Backup.Tests;

/// <summary>prune against restic's own `forget --keep-daily 7 --keep-weekly 4 --keep-monthly 12` on a simulated year of back-dated snapshots.</summary>
[Collection(BackupCollection.Name)]
public sealed class PruneTests(BackupStack stack)
{
    private const string Database = "mo_crm";

    [Fact]
    public async Task Prune_keeps_exactly_the_set_restic_forget_keeps_and_removes_the_rest()
    {
        var state = stack.CopyStateDirectory();
        var repository = (await Repositories.ContextAsync(stack, state)).Repository;
        await repository.EnsureInitialisedAsync(default);
        var now = DateTime.UtcNow.Date.AddHours(2);
        // A year: every sixth day, then daily for the last two weeks, two backups on some days, a three-week gap.
        var days = Enumerable.Range(0, 366).Where(d => (d % 6 == 0 && d is < 120 or > 141) || d < 14).ToList();
        var times = days.Select(d => now.AddDays(-d)).Concat(days.Where(d => d % 30 == 0).Select(d => now.AddDays(-d).AddHours(20))).ToList();
        await Parallel.ForEachAsync(times, new ParallelOptions { MaxDegreeOfParallelism = 3 }, async (time, token) =>
            await BackDatedAsync(repository, time, good: true, token));
        await BackDatedAsync(repository, now.AddDays(-3).AddHours(5), good: false, default);

        var ours = await stack.BackupInAsync(state, null, "prune", "--dry-run", "--json", "--database", Database);
        Assert.True(ours.Exit == 0, ours.All);
        var items = JsonSerializer.Deserialize<List<PruneItem>>(ours.Output, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        var oursKept = items.Where(i => i.Kind == "dump" && i.Keep).Select(i => i.Id).ToHashSet();

        var restic = await repository.RequireAsync("forget --dry-run", default, "forget", "--dry-run", "--json", "--group-by", "",
            "--tag", $"db={Database},kind=dump,{Snapshot.GoodTag}", "--keep-daily", "7", "--keep-weekly", "4", "--keep-monthly", "12");
        using var document = JsonDocument.Parse(restic);
        var resticKept = document.RootElement[0].GetProperty("keep").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToHashSet();

        Assert.True(resticKept.Count >= 12, $"restic kept only {resticKept.Count}: the simulated year is too short");
        Assert.Equal(resticKept.Order(), oursKept.Order());
        Assert.Contains(items, i => !i.Keep && i.Reason == "never marked good (failed or interrupted backup)");

        var prune = await stack.BackupInAsync(state, null, "prune", "--database", Database);
        Assert.True(prune.Exit == 0, prune.All);
        var left = (await repository.SnapshotsAsync(default)).Where(s => s.IsDump).Select(s => s.Id).ToHashSet();
        Assert.Equal(resticKept.Order(), left.Order());
    }

    [Fact]
    public void The_newest_good_backup_is_kept_whatever_the_dates_and_failed_ones_do_not_count()
    {
        var old = DateTimeOffset.UtcNow.AddYears(-3);
        Snapshot Make(string id, DateTimeOffset time, bool good) => new(id, id[..4], time, "rollout-local",
            [.. Snapshot.TagsFor(Database, "daily", "run" + id, "dump"), .. good ? new[] { Snapshot.GoodTag } : []]);
        var snapshots = new[] { Make("aaaa1", old, true), Make("bbbb2", old.AddDays(-1), true), Make("cccc3", old.AddDays(1), false) };

        var items = new PrunePlanner(new GfsPolicy(0, 0, 0), TimeProvider.System).Plan(snapshots);

        Assert.True(items.Single(i => i.Id == "aaaa1").Keep);
        Assert.Equal("newest good backup of the database (always kept)", items.Single(i => i.Id == "aaaa1").Reason);
        Assert.False(items.Single(i => i.Id == "bbbb2").Keep);
        Assert.False(items.Single(i => i.Id == "cccc3").Keep);
    }

    [Fact]
    public void Gfs_keeps_the_newest_snapshot_of_each_period_like_restic()
    {
        var monday = new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);
        var snapshots = new[] { ("early", monday), ("late", monday.AddHours(20)), ("sunday", monday.AddDays(-1)) };
        var decisions = new GfsPolicy(1, 2, 0).Apply(snapshots).ToDictionary(d => d.Id);
        Assert.Equal(["daily 2026-11-23", "weekly 2026-W48"], decisions["late"].Reasons);
        Assert.False(decisions["early"].Keep);
        Assert.Equal(["weekly 2026-W47"], decisions["sunday"].Reasons);
    }

    private static async Task BackDatedAsync(ResticRepository repository, DateTime time, bool good, CancellationToken cancellationToken)
    {
        var run = "r" + time.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        var tags = string.Join(',', [.. Snapshot.TagsFor(Database, "daily", run, "dump"), .. good ? new[] { Snapshot.GoodTag } : []]);
        using var process = ToolProcess.Start("restic", repository.Arguments("backup", "--stdin", "--stdin-filename", $"{Database}.sql", "--host", "rollout-local",
            "--time", time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), "--tag", tags, "--quiet"), repository.Environment, redirectInput: true);
        await process.StandardInput.WriteAsync("-- dump of " + run);
        process.StandardInput.Close();
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new InvalidOperationException("restic backup --time failed: " + error);
    }
}
