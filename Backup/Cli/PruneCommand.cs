using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Rollout.Backup.Retention;

namespace Rollout.Backup.Cli;

/// <summary>`prune --env E [--dry-run] [--output json]`: GFS retention from rollout.yaml; the dry run lists every verdict and its reason.</summary>
public static class PruneCommand
{
    public static Command Create(CommandIo io, TimeProvider? clock = null)
    {
        var options = new BackupOptions();
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be removed and why; change nothing." };
        var json = new Option<bool>("--json") { Description = "Print the verdicts as JSON (for machines)." };
        var command = new Command("prune", "Remove backups outside the GFS retention of rollout.yaml; never the newest good backup of a database.");
        options.AddTo(command);
        command.Add(dryRun);
        command.Add(json);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(io, async () =>
        {
            var context = await BackupContext.LoadAsync(options.Values(parse, io), io, cancellationToken);
            var databases = options.Databases(parse, context).Select(d => d.Name).ToHashSet();
            var policy = GfsPolicy.From(context.Estate.Backup);
            var snapshots = await context.Repository.SnapshotsAsync(cancellationToken);
            var items = new PrunePlanner(policy, clock ?? TimeProvider.System).Plan(snapshots).Where(i => databases.Contains(i.Database)).ToList();
            if (parse.GetValue(json))
                await io.Out.WriteLineAsync(JsonSerializer.Serialize(items, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            else
                foreach (var item in items)
                    await io.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{(item.Keep ? "keep  " : "remove")} {item.Database,-14} {item.Kind,-8} {item.ShortId} {item.Time.UtcDateTime:yyyy-MM-dd HH:mm}  {item.Reason}"));
            var remove = items.Where(i => !i.Keep).Select(i => i.Id).ToList();
            if (parse.GetValue(dryRun))
            {
                if (!parse.GetValue(json)) await io.Out.WriteLineAsync($"dry run ({policy}): {remove.Count} snapshot(s) would be removed, nothing changed.");
                return ExitCodes.Success;
            }
            await context.Repository.ForgetAsync(remove, cancellationToken);
            if (remove.Count > 0) await context.Repository.RequireAsync("prune", cancellationToken, "prune");
            if (!parse.GetValue(json)) await io.Out.WriteLineAsync($"pruned ({policy}): {remove.Count} snapshot(s) removed.");
            return ExitCodes.Success;
        }));
        return command;
    }
}
