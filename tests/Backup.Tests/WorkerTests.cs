using System.Text.Json;
using Rollout.Backup.Scheduling;
using Rollout.Backup.Tests.Infrastructure;

namespace Rollout.Backup.Tests;

/// <summary>The worker on the real estate: at 02:00 UTC (a clock one second before it) it runs the daily backup of every database and records it.</summary>
[Collection(BackupCollection.Name)]
public sealed class WorkerTests(BackupStack stack)
{
    [Fact]
    public async Task At_the_daily_cron_time_the_worker_backs_up_every_database_and_records_the_success()
    {
        var state = stack.CopyStateDirectory();
        var context = await Repositories.ContextAsync(stack, state);
        var output = new StringWriter();
        var io = new Cli.CommandIo(TextWriter.Synchronized(output), TextWriter.Synchronized(output), _ => null, "/");
        var now = DateTimeOffset.UtcNow;
        var clock = new ShiftedClock(new DateTimeOffset(now.Year, now.Month, now.Day, 2, 0, 0, TimeSpan.Zero).AddDays(1).AddSeconds(-1) - now);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        var worker = new BackupWorker(context, io, clock).RunAsync(stop.Token);
        while (!output.ToString().Contains("daily: ", StringComparison.Ordinal) && !worker.IsCompleted) await Task.Delay(200);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker);

        var log = output.ToString();
        Assert.Contains("next: daily at ", log);
        Assert.Contains("daily: done", log);
        var recorded = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, DateTimeOffset>>>(
            await File.ReadAllTextAsync(Path.Combine(state, "backup", LastSuccessFile.JsonName)))!;
        Assert.Contains(SeedData.MariaDbDatabase, recorded.Keys);
        Assert.Contains(SeedData.PostgreSqlDatabase, recorded.Keys);
        Assert.All(recorded.Values, tiers => Assert.Equal(["daily"], tiers.Keys));
    }

    /// <summary>The system clock moved by a fixed offset: timers still run in real time.</summary>
    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
