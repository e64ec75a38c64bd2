using Rollout.Backup.Manifests;
using Rollout.Backup.Repository;

namespace Rollout.Backup.Running;

/// <summary>A good backup: the dump snapshot and the manifest snapshot of the same run.</summary>
public sealed record GoodBackup(Snapshot Dump, Snapshot? ManifestSnapshot)
{
    public string Database => Dump.Database!;
    public string Tier => Dump.Tier ?? "";
}

/// <summary>The repository's snapshots read as backups: good dumps with their manifests, per database, newest first.</summary>
public sealed class BackupCatalog(ResticRepository repository, IReadOnlyList<Snapshot> snapshots)
{
    public IReadOnlyList<Snapshot> Snapshots => snapshots;

    public static async Task<BackupCatalog> ReadAsync(ResticRepository repository, CancellationToken cancellationToken) =>
        new(repository, await repository.SnapshotsAsync(cancellationToken));

    public IReadOnlyList<GoodBackup> Good(string? database = null)
    {
        var manifests = snapshots.Where(s => s.IsManifest && s.Run is not null).GroupBy(s => s.Run!).ToDictionary(g => g.Key, g => g.First());
        return snapshots.Where(s => s.IsDump && s.IsGood && s.Database is not null && (database is null || s.Database == database))
            .OrderByDescending(s => s.Time)
            .Select(s => new GoodBackup(s, s.Run is null ? null : manifests.GetValueOrDefault(s.Run)))
            .ToList();
    }

    public async Task<Manifest> ManifestAsync(GoodBackup backup, CancellationToken cancellationToken)
    {
        if (backup.ManifestSnapshot is null)
            throw new BackupException($"backup {backup.Dump.ShortId} of {backup.Database}: its manifest snapshot (run {backup.Dump.Run}) is missing from {repository}.");
        var json = await repository.RequireAsync($"reading the manifest of {backup.Database}", cancellationToken,
            "dump", backup.ManifestSnapshot.Id, $"/{backup.Database}.manifest.json");
        return Manifest.Parse(json, $"manifest {backup.ManifestSnapshot.ShortId} of {backup.Database}");
    }
}
