using System.CommandLine;
using Rollout.Backup.Scheduling;

namespace Rollout.Backup.Cli;

/// <summary>`worker --env E`: the scheduled backups and restore tests of rollout.yaml, until stopped.</summary>
public static class WorkerCommand
{
    public static Command Create(CommandIo io)
    {
        var options = new BackupOptions();
        var command = new Command("worker", "Run the backup schedules of rollout.yaml (UTC cron, runs never overlap) until stopped.");
        options.AddTo(command, database: false);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(io, async () =>
        {
            var context = await BackupContext.LoadAsync(options.Values(parse, io), io, cancellationToken);
            try
            {
                await new BackupWorker(context, io, TimeProvider.System).RunAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await io.Out.WriteLineAsync("worker stopped.");
            }
            return ExitCodes.Success;
        }));
        return command;
    }
}
