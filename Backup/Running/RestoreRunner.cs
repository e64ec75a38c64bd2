using Rollout.Backup.Cli;
using Rollout.Backup.Engines;
using Rollout.Backup.Repository;
using Rollout.Topology.Model;

namespace Rollout.Backup.Running;

/// <summary>
/// Restores a good backup into a database on the source's server: `restic dump` streamed into the engine's restore tool
/// as the admin. A non-empty target is refused unless forced (then it is dropped and recreated); both tools' exit
/// statuses are checked.
/// </summary>
public sealed class RestoreRunner(BackupContext context)
{
    public async Task RestoreAsync(DatabaseSpec source, GoodBackup backup, string target, bool force, CancellationToken cancellationToken)
    {
        var endpoint = context.Binding.EndpointOf(source);
        var engine = BackupEngines.For(endpoint.Engine);
        var objects = await engine.CountObjectsAsync(endpoint, target, cancellationToken);
        if (objects is > 0 && !force)
            throw new BackupInputException($"restore target '{target}' on {endpoint.Name} exists and holds {objects} object(s); nothing was changed. Choose another --to, or add --force to replace it.");
        if (objects is not null) await engine.DropAsync(endpoint, target, cancellationToken);
        await engine.CreateAsync(endpoint, target, source, cancellationToken);

        using var restore = await engine.StartRestoreAsync(endpoint, target, cancellationToken);
        var restoreOutput = restore.Process.StandardOutput.ReadToEndAsync(cancellationToken);
        var restoreError = restore.Process.StandardError.ReadToEndAsync(cancellationToken);
        using var dump = ToolProcess.Start("restic", context.Repository.Arguments(["dump", backup.Dump.Id, $"/{source.Name}.{engine.FileExtension}"]),
            context.Repository.Environment);
        var dumpError = dump.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await dump.StandardOutput.BaseStream.CopyToAsync(restore.Process.StandardInput.BaseStream, cancellationToken);
        }
        catch (IOException)
        {
            // The restore tool stopped reading (an error in the dump): its exit status and stderr say why.
            dump.Kill(entireProcessTree: true);
        }
        finally
        {
            try { restore.Process.StandardInput.Close(); } catch (IOException) { /* already exited */ }
        }
        await dump.WaitForExitAsync(cancellationToken);
        await restore.Process.WaitForExitAsync(cancellationToken);
        await restoreOutput;
        if (dump.ExitCode != 0)
            throw new BackupException($"restore of {source.Name} ({backup.Dump.ShortId}) into '{target}': restic dump failed: {Last(await dumpError)}");
        if (restore.Process.ExitCode != 0)
            throw new BackupException($"restore of {source.Name} ({backup.Dump.ShortId}) into '{target}': {Path.GetFileName(restore.Process.StartInfo.FileName)} failed: {Last(await restoreError)}");
    }

    private static string Last(string text) =>
        Rollout.ServiceDefaults.Redaction.SecretRedactor.Shared.Redact(text)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";
}
