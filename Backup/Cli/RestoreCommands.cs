using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Rollout.Backup.Running;

namespace Rollout.Backup.Cli;

/// <summary>`restore --database D --to NAME [--at TIME] [--force]` and `restore-test [--database D]`.</summary>
public static partial class RestoreCommands
{
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex TargetName();

    public static Command Restore(CommandIo io)
    {
        var options = new BackupOptions();
        var to = new Option<string>("--to") { Description = "Name of the database to restore into (on the source's server).", Required = true };
        var at = new Option<string?>("--at") { Description = "Restore the newest good backup taken at or before this UTC time (e.g. 2026-11-01T02:00:00Z)." };
        var force = new Option<bool>("--force") { Description = "Replace the target if it exists and is not empty." };
        var command = new Command("restore", "Restore a database's backup into a new (or, with --force, replaced) database.");
        options.AddTo(command);
        command.Add(to);
        command.Add(at);
        command.Add(force);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(io, async () =>
        {
            var context = await BackupContext.LoadAsync(options.Values(parse, io), io, cancellationToken);
            if (parse.GetValue(options.Database) is null) throw new BackupInputException("restore needs --database <name>.");
            var database = options.Databases(parse, context).Single();
            var target = parse.GetValue(to)!;
            if (!TargetName().IsMatch(target))
                throw new BackupInputException($"--to {target}: use lower-case letters, digits and _ (at most 63), not starting with a digit.");
            var atTime = DateTimeOffset.MaxValue;
            if (parse.GetValue(at) is { } text && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out atTime))
                throw new BackupInputException($"--at {text}: not a time; write e.g. 2026-11-01T02:00:00Z.");
            var catalog = await BackupCatalog.ReadAsync(context.Repository, cancellationToken);
            var backup = catalog.Good(database.Name).FirstOrDefault(b => b.Dump.Time <= atTime)
                ?? throw new BackupInputException($"database {database.Name}: no good backup{(atTime == DateTimeOffset.MaxValue ? "" : $" at or before {atTime:u}")} in {context.Repository} (see `list`).");
            await new RestoreRunner(context).RestoreAsync(database, backup, target, parse.GetValue(force), cancellationToken);
            await io.Out.WriteLineAsync($"restored {database.Name} from {backup.Dump.ShortId} ({backup.Dump.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, {backup.Tier}) into '{target}'.");
            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command RestoreTest(CommandIo io)
    {
        var options = new BackupOptions();
        var command = new Command("restore-test", "Restore the newest backup of each database into a throw-away database and compare it with the manifest.");
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(io, async () =>
        {
            var context = await BackupContext.LoadAsync(options.Values(parse, io), io, cancellationToken);
            return await RunTestsAsync(context, options.Databases(parse, context), io, cancellationToken);
        }));
        return command;
    }

    public static async Task<int> RunTestsAsync(BackupContext context, IReadOnlyList<Topology.Model.DatabaseSpec> databases, CommandIo io, CancellationToken cancellationToken)
    {
        var catalog = await BackupCatalog.ReadAsync(context.Repository, cancellationToken);
        var failures = 0;
        foreach (var database in databases)
        {
            try
            {
                var result = await new RestoreTester(context).TestAsync(database, catalog, cancellationToken);
                if (result.Passed)
                    await io.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"restore-test {database.Name} ({result.Snapshot}): OK in {result.Duration.TotalSeconds:0.0} s"));
                else
                {
                    failures++;
                    foreach (var difference in result.Differences) await io.Error.WriteLineAsync($"FAILED restore-test {database.Name} ({result.Snapshot}): {difference}");
                }
            }
            catch (BackupException e)
            {
                failures++;
                await io.Error.WriteLineAsync($"FAILED restore-test {database.Name}: {e.Message}");
            }
        }
        return failures == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }
}
