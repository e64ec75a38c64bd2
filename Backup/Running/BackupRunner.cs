using System.Diagnostics;
using System.Text.Json;
using Rollout.Backup.Cli;
using Rollout.Backup.Engines;
using Rollout.Backup.Manifests;
using Rollout.Backup.Repository;
using Rollout.Topology.Model;

namespace Rollout.Backup.Running;

/// <summary>
/// One backup of one database: the dump tool's stdout streamed into `restic backup --stdin`, its exit status watched
/// (restic 0.14 cannot), the manifest stored under the same run tag, and only then the dump snapshot tagged good.
/// A failed or cut-off dump's snapshot is forgotten at once and never tagged: it can never count as a backup.
/// </summary>
public sealed class BackupRunner(BackupContext context)
{
    private const int BufferSize = 1 << 20;

    public async Task<Manifest> RunAsync(DatabaseSpec database, string tier, CancellationToken cancellationToken)
    {
        var endpoint = context.Binding.EndpointOf(database);
        var engine = BackupEngines.For(endpoint.Engine);
        var password = await context.AccountPasswordAsync(endpoint.Server, cancellationToken);
        await context.Repository.EnsureInitialisedAsync(cancellationToken);
        var run = Guid.NewGuid().ToString("N")[..16];
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();

        await using var dump = await engine.StartDumpAsync(endpoint, context.Estate.Backup.Account, password, database.Name, cancellationToken);
        var dumpError = dump.Process.StandardError.ReadToEndAsync(cancellationToken);
        using var restic = ToolProcess.Start("restic", context.Repository.Arguments(
            ["backup", "--stdin", "--stdin-filename", $"{database.Name}.{engine.FileExtension}", "--host", Host, "--json",
             .. Snapshot.TagsFor(database.Name, tier, run, "dump").SelectMany(t => new[] { "--tag", t })]),
            context.Repository.Environment, redirectInput: true);
        var resticOutput = restic.StandardOutput.ReadToEndAsync(cancellationToken);
        var resticError = restic.StandardError.ReadToEndAsync(cancellationToken);

        long bytes = 0;
        string? pipeFailure = null;
        try
        {
            var buffer = new byte[BufferSize];
            int read;
            while ((read = await dump.Process.StandardOutput.BaseStream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await restic.StandardInput.BaseStream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                bytes += read;
            }
        }
        catch (IOException e)
        {
            // restic died (disk full, repository gone): stop the dump, report restic's own reason below.
            pipeFailure = e.Message;
            dump.Process.Kill(entireProcessTree: true);
        }
        catch (OperationCanceledException)
        {
            // Stopped (Ctrl+C, worker shutdown): restic must not commit what arrived so far; its snapshot would be untagged anyway.
            restic.Kill(entireProcessTree: true);
            throw;
        }
        finally
        {
            try { restic.StandardInput.Close(); } catch (IOException) { /* restic already gone; its exit code tells */ }
        }
        await dump.Process.WaitForExitAsync(cancellationToken);
        await restic.WaitForExitAsync(cancellationToken);
        var snapshotId = SnapshotIdOf(await resticOutput);
        var dumpTool = Path.GetFileName(dump.Process.StartInfo.FileName);

        // The dump's status first: when it died, restic may have stored (or refused) whatever arrived before.
        if (dump.Process.ExitCode != 0 && pipeFailure is null)
        {
            var cause = Last(SecretsOut(await dumpError)) ?? $"killed or cut off after {bytes} bytes";
            var removal = snapshotId is null ? "" : await ForgetFailedAsync(snapshotId, cancellationToken);
            throw new BackupException($"database {database.Name}: {dumpTool} exited with code {dump.Process.ExitCode} ({cause}); the dump does not count as a backup{removal}.");
        }
        if (restic.ExitCode != 0)
            throw new BackupException($"database {database.Name}: restic backup into {context.Repository} failed ({Last(SecretsOut(await resticError)) ?? pipeFailure}); nothing was stored as a backup.");
        if (snapshotId is null) throw new BackupException($"database {database.Name}: restic reported no snapshot id; the backup is not marked good.");

        // Read beside the dump; a failure here propagates as it did when the content was read first: never tagged good.
        var content = await dump.Content;
        var manifest = new Manifest(database.Name, endpoint.Name, endpoint.Engine.ToString(), tier, run, context.Binding.Name, started,
            clock.Elapsed.TotalSeconds, dump.ServerVersion, dump.ToolVersion, await ResticVersionAsync(cancellationToken), bytes, content);
        await StoreManifestAsync(manifest, cancellationToken);
        await context.Repository.RequireAsync($"marking the backup of {database.Name} good", cancellationToken, "tag", "--add", Snapshot.GoodTag, snapshotId);
        return manifest;
    }

    public string Host => "rollout-" + context.Binding.Name;

    private async Task StoreManifestAsync(Manifest manifest, CancellationToken cancellationToken)
    {
        using var process = ToolProcess.Start("restic", context.Repository.Arguments(
            ["backup", "--stdin", "--stdin-filename", $"{manifest.Database}.manifest.json", "--host", Host, "--json",
             .. Snapshot.TagsFor(manifest.Database, manifest.Tier, manifest.Run, "manifest").SelectMany(t => new[] { "--tag", t })]),
            context.Repository.Environment, redirectInput: true);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(manifest.ToJson());
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        await output;
        if (process.ExitCode != 0)
            throw new BackupException($"database {manifest.Database}: storing the manifest in {context.Repository} failed ({Last(SecretsOut(await error))}); the backup is not marked good.");
    }

    private async Task<string> ForgetFailedAsync(string snapshotId, CancellationToken cancellationToken)
    {
        var forget = await context.Repository.RunAsync(cancellationToken, "forget", snapshotId);
        return forget.Succeeded
            ? $"; its partial snapshot {snapshotId[..8]} was removed"
            : $"; its partial snapshot {snapshotId[..8]} stays untagged (never counted) until prune removes it: {forget.Reason}";
    }

    private async Task<string> ResticVersionAsync(CancellationToken cancellationToken) =>
        (await ToolProcess.RunAsync("restic", ["version"], new Dictionary<string, string>(), cancellationToken)).Output.Trim();

    /// <summary>The snapshot id from restic's JSON summary line (0.14: message_type summary, snapshot_id).</summary>
    internal static string? SnapshotIdOf(string jsonLines)
    {
        foreach (var line in jsonLines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Reverse())
        {
            if (!line.TrimStart().StartsWith('{')) continue;
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("message_type", out var type) && type.GetString() == "summary"
                && document.RootElement.TryGetProperty("snapshot_id", out var id))
                return id.GetString();
        }
        return null;
    }

    private static string SecretsOut(string text) => Rollout.ServiceDefaults.Redaction.SecretRedactor.Shared.Redact(text);

    private static string? Last(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
