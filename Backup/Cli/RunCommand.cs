using System.CommandLine;
using System.Globalization;
using Rollout.Backup.Running;
using Rollout.Backup.Scheduling;

namespace Rollout.Backup.Cli;

/// <summary>`run --env E [--database D] [--tier T]`: back up each database; copy an offsite tier's new backups offsite.</summary>
public static class RunCommand
{
    public static Command Create(CommandIo io)
    {
        var options = new BackupOptions();
        var tier = new Option<string>("--tier", "-t") { Description = "The schedule of rollout.yaml this backup belongs to (daily, weekly, monthly).", DefaultValueFactory = _ => "daily" };
        var command = new Command("run", "Back up databases: dump with the engine's tool through the read-only backup account, streamed into the restic repository.");
        options.AddTo(command);
        command.Add(tier);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(io, async () =>
        {
            var context = await BackupContext.LoadAsync(options.Values(parse, io), io, cancellationToken);
            var databases = options.Databases(parse, context);
            var schedule = TierOf(context, parse.GetValue(tier)!);
            return await RunAsync(context, databases, schedule, io, cancellationToken);
        }));
        return command;
    }

    public static Topology.Model.BackupSchedule TierOf(BackupContext context, string tier) =>
        context.Estate.Backup.Schedules.FirstOrDefault(s => s.Name == tier)
        ?? throw new BackupInputException($"--tier {tier}: no such schedule in backup.schedules of {context.Estate.SourcePath} (tiers: {string.Join(", ", context.Estate.Backup.Schedules.Select(s => s.Name))}).");

    /// <summary>Backs up each database (a failure does not stop the others), records successes, copies offsite; 1 when anything failed.</summary>
    public static async Task<int> RunAsync(BackupContext context, IReadOnlyList<Topology.Model.DatabaseSpec> databases, Topology.Model.BackupSchedule schedule, CommandIo io, CancellationToken cancellationToken)
    {
        var runner = new BackupRunner(context);
        var lastSuccess = new LastSuccessFile(context.BackupDirectory);
        var runs = new List<string>();
        var failures = 0;
        foreach (var database in databases)
        {
            try
            {
                var manifest = await runner.RunAsync(database, schedule.Name, cancellationToken);
                runs.Add(manifest.Run);
                await lastSuccess.RecordAsync(database.Name, schedule.Name, DateTimeOffset.UtcNow, cancellationToken);
                await io.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"backed up {database.Name} ({schedule.Name}): {manifest.DumpBytes / 1024.0:0.0} KiB, {manifest.Content.Tables.Count} tables, {manifest.DurationSeconds:0.0} s"));
            }
            catch (BackupException e)
            {
                failures++;
                await io.Error.WriteLineAsync("FAILED " + e.Message);
            }
        }
        if (schedule.Offsite && runs.Count > 0)
        {
            try
            {
                var snapshots = (await context.Repository.SnapshotsAsync(cancellationToken)).Where(s => s.Run is not null && runs.Contains(s.Run) && (s.IsManifest || s.IsGood)).ToList();
                var offsite = await context.Offsite();
                await new OffsiteCopier(context.Repository, offsite).CopyAsync(snapshots, cancellationToken);
                await io.Out.WriteLineAsync($"copied {runs.Count} backup(s) offsite to {offsite.Location} and checked them there.");
            }
            catch (BackupException e)
            {
                failures++;
                await io.Error.WriteLineAsync("FAILED " + e.Message);
            }
        }
        await io.Out.WriteLineAsync(failures == 0 ? $"{runs.Count} database(s) backed up." : $"{runs.Count} database(s) backed up, {failures} failure(s).");
        return failures == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }
}
