using System.CommandLine;
using System.Text.Json;
using Rollout.Backup.Running;

namespace Rollout.Backup.Cli;

/// <summary>
/// `verify --env E`: restic's data check (every pack read and its hash compared), then every good backup's manifest
/// read and its dump's stored size compared with the size the manifest recorded.
/// </summary>
public static class VerifyCommand
{
    public static Command Create(CommandIo io)
    {
        var options = new BackupOptions();
        var command = new Command("verify", "Check repository integrity (restic check --read-data) and every backup against its manifest.");
        options.AddTo(command, database: false);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(io, async () =>
        {
            var context = await BackupContext.LoadAsync(options.Values(parse, io), io, cancellationToken);
            var problems = new List<string>();
            var check = await context.Repository.CheckAsync(readData: true, cancellationToken);
            if (!check.Succeeded) problems.Add($"restic check --read-data failed on {context.Repository}: {check.Reason}");
            else
            {
                var catalog = await BackupCatalog.ReadAsync(context.Repository, cancellationToken);
                foreach (var backup in catalog.Good())
                {
                    try
                    {
                        var manifest = await catalog.ManifestAsync(backup, cancellationToken);
                        var size = await StoredSizeAsync(context, backup, cancellationToken);
                        if (size != manifest.DumpBytes)
                            problems.Add($"backup {backup.Dump.ShortId} of {backup.Database}: {size} bytes stored, the manifest recorded {manifest.DumpBytes}");
                    }
                    catch (BackupException e)
                    {
                        problems.Add(e.Message);
                    }
                }
                await io.Out.WriteLineAsync($"restic check --read-data passed; {catalog.Good().Count} backup(s) compared with their manifests.");
            }
            foreach (var problem in problems) await io.Error.WriteLineAsync("FAILED " + problem);
            await io.Out.WriteLineAsync(problems.Count == 0 ? "verify: OK" : $"verify: {problems.Count} problem(s)");
            return problems.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }

    private static async Task<long> StoredSizeAsync(BackupContext context, GoodBackup backup, CancellationToken cancellationToken)
    {
        var lines = await context.Repository.RequireAsync($"listing backup {backup.Dump.ShortId}", cancellationToken, "ls", "--json", backup.Dump.Id);
        foreach (var line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var node = JsonDocument.Parse(line);
            if (node.RootElement.TryGetProperty("type", out var type) && type.GetString() == "file" && node.RootElement.TryGetProperty("size", out var size))
                return size.GetInt64();
        }
        throw new BackupException($"backup {backup.Dump.ShortId} of {backup.Database}: the snapshot holds no dump file.");
    }
}
