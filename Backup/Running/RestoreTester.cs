using Rollout.Backup.Cli;
using Rollout.Backup.Engines;
using Rollout.Backup.Manifests;
using Rollout.Topology.Model;

namespace Rollout.Backup.Running;

/// <summary>One database's restore test: the newest good backup restored into a throw-away database and compared with its manifest.</summary>
public sealed record RestoreTestResult(string Database, string Snapshot, IReadOnlyList<string> Differences, TimeSpan Duration)
{
    public bool Passed => Differences.Count == 0;
}

/// <summary>Restores into rt_&lt;db&gt;_&lt;time&gt; on the source's server, compares, and always drops the throw-away database.</summary>
public sealed class RestoreTester(BackupContext context)
{
    public async Task<RestoreTestResult> TestAsync(DatabaseSpec database, BackupCatalog catalog, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var backup = catalog.Good(database.Name).FirstOrDefault()
            ?? throw new BackupException($"database {database.Name}: no good backup in {context.Repository} to test. Run `backup run --database {database.Name}` first.");
        var manifest = await catalog.ManifestAsync(backup, cancellationToken);
        var endpoint = context.Binding.EndpointOf(database);
        var engine = BackupEngines.For(endpoint.Engine);
        var target = $"rt_{database.Name}_{DateTime.UtcNow:yyyyMMddHHmmss}";
        try
        {
            await new RestoreRunner(context).RestoreAsync(database, backup, target, force: false, cancellationToken);
            var restored = await engine.ReadContentAsync(endpoint, target, cancellationToken);
            return new RestoreTestResult(database.Name, backup.Dump.ShortId, ManifestComparer.Differences(manifest.Content, restored), clock.Elapsed);
        }
        finally
        {
            await engine.DropAsync(endpoint, target, CancellationToken.None);
        }
    }
}
