using Rollout.Backup.Cli;

namespace Rollout.Backup.Scheduling;

/// <summary>
/// `worker`: runs rollout.yaml's schedules for ever. One loop, so runs never overlap: a run that outlasts the next
/// occurrence makes the worker skip the occurrences it missed (said in the log) and wait for the next one after it
/// finished; no jitter. Runs in an Aspire project resource as well as under systemd: it reads the standard binding
/// (--env, ROLLOUT_ESTATE, ROLLOUT_STATE_DIR).
/// </summary>
public sealed class BackupWorker(BackupContext context, CommandIo io, TimeProvider clock)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var calendar = new ScheduleCalendar(context.Estate.Backup);
        var after = clock.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            var (at, jobs) = calendar.Next(after);
            await io.Out.WriteLineAsync($"next: {string.Join(", ", jobs.Select(j => j.Name))} at {at:u}");
            var wait = at - clock.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken);
            foreach (var job in jobs) await RunJobAsync(job, cancellationToken);
            var finished = clock.GetUtcNow();
            var (nextAt, _) = calendar.Next(at);
            if (nextAt <= finished) await io.Out.WriteLineAsync($"runs due between {nextAt:u} and {finished:u} were skipped: the previous run was still going.");
            after = finished > at ? finished : at;
        }
    }

    private async Task RunJobAsync(ScheduledJob job, CancellationToken cancellationToken)
    {
        var databases = BackupOptions.Select(context, null);
        var exit = job.Tier is { } tier
            ? await RunCommand.RunAsync(context, databases, tier, io, cancellationToken)
            : await RestoreCommands.RunTestsAsync(context, databases, io, cancellationToken);
        await io.Out.WriteLineAsync($"{job.Name}: {(exit == ExitCodes.Success ? "done" : "FAILED (see above)")}");
    }
}
