using System.CommandLine;
using System.Globalization;
using Rollout.Backup.Running;

namespace Rollout.Backup.Cli;

/// <summary>`list --env E [--database D]`: the good backups, newest first.</summary>
public static class ListCommand
{
    public static Command Create(CommandIo io)
    {
        var options = new BackupOptions();
        var command = new Command("list", "List the good backups in the repository (newest first).");
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(io, async () =>
        {
            var context = await BackupContext.LoadAsync(options.Values(parse, io), io, cancellationToken);
            var databases = options.Databases(parse, context).Select(d => d.Name).ToHashSet();
            await context.Repository.EnsureInitialisedAsync(cancellationToken);
            var catalog = await BackupCatalog.ReadAsync(context.Repository, cancellationToken);
            var good = catalog.Good().Where(b => databases.Contains(b.Database)).ToList();
            await io.Out.WriteLineAsync($"{"TIME (UTC)",-20} {"DATABASE",-14} {"TIER",-8} {"SNAPSHOT",-9} MANIFEST");
            foreach (var backup in good)
                await io.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{backup.Dump.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss} {backup.Database,-14} {backup.Tier,-8} {backup.Dump.ShortId,-9} {(backup.ManifestSnapshot is null ? "MISSING" : "yes")}"));
            await io.Out.WriteLineAsync($"{good.Count} good backup(s) in {context.Repository}.");
            return ExitCodes.Success;
        }));
        return command;
    }
}
