using Rollout.Backup.Repository;

namespace Rollout.Backup.Running;

/// <summary>
/// Copies snapshots to the offsite repository with `restic copy` (created on first use with the primary's chunker
/// parameters, so copies deduplicate), then proves the copy: every run is listed offsite and `restic check` passes there.
/// </summary>
public sealed class OffsiteCopier(ResticRepository primary, ResticRepository offsite)
{
    public async Task CopyAsync(IReadOnlyCollection<Snapshot> snapshots, CancellationToken cancellationToken)
    {
        if (snapshots.Count == 0) return;
        try
        {
            await offsite.EnsureInitialisedAsync(cancellationToken, chunkerFrom: primary);
            using var passwordFile = PasswordFile.Write(primary.Password);
            await offsite.RequireAsync("copy", cancellationToken, ["copy", "--from-repo", primary.Location, "--from-password-file", passwordFile.Path, .. snapshots.Select(s => s.Id)]);
            var copied = await offsite.SnapshotsAsync(cancellationToken);
            var missing = snapshots.Where(s => !copied.Any(c => c.Run == s.Run && c.Tag("kind") == s.Tag("kind") && c.Time == s.Time)).ToList();
            if (missing.Count > 0)
                throw new BackupException($"offsite {offsite}: {missing.Count} snapshot(s) missing after the copy ({string.Join(", ", missing.Select(m => m.ShortId))}).");
            var check = await offsite.CheckAsync(readData: false, cancellationToken);
            if (!check.Succeeded) throw new BackupException($"offsite {offsite}: restic check failed after the copy: {check.Reason}");
        }
        catch (BackupException e)
        {
            throw new BackupException($"offsite copy failed, the local backups stay good: {e.Message}", e);
        }
    }
}
