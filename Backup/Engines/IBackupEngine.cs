using System.Diagnostics;
using Rollout.Backup.Manifests;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Backup.Engines;

/// <summary>
/// A dump in progress: the tool's process (its stdout is the dump) and what it must release afterwards (the option
/// file holding the password, PostgreSQL's snapshot-exporting transaction). The content was read in the same
/// consistent view where the engine allows it.
/// </summary>
public sealed class DumpSession(Process process, string serverVersion, string toolVersion, DatabaseContent content, IAsyncDisposable resources) : IAsyncDisposable
{
    public Process Process { get; } = process;
    public string ServerVersion { get; } = serverVersion;
    public string ToolVersion { get; } = toolVersion;
    public DatabaseContent Content { get; } = content;

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
        await resources.DisposeAsync();
    }
}

/// <summary>What backup, restore and restore-test need of one engine: its dump/restore tools and its catalog.</summary>
public interface IBackupEngine
{
    string FileExtension { get; }

    /// <summary>Starts the dump of one database as the read-only backup account.</summary>
    Task<DumpSession> StartDumpAsync(ServerEndpoint endpoint, string user, Secret password, string database, CancellationToken cancellationToken);

    /// <summary>Reads a database's content as the admin (a restored throw-away database).</summary>
    Task<DatabaseContent> ReadContentAsync(ServerEndpoint endpoint, string database, CancellationToken cancellationToken);

    /// <summary>null: no such database; 0: exists and empty; n: number of tables and views.</summary>
    Task<int?> CountObjectsAsync(ServerEndpoint endpoint, string database, CancellationToken cancellationToken);

    /// <summary>Creates the target with the settings the estate gives the source database.</summary>
    Task CreateAsync(ServerEndpoint endpoint, string target, DatabaseSpec like, CancellationToken cancellationToken);

    Task DropAsync(ServerEndpoint endpoint, string target, CancellationToken cancellationToken);

    /// <summary>Starts the restore tool as the admin, reading the dump from its stdin.</summary>
    Task<RestoreSession> StartRestoreAsync(ServerEndpoint endpoint, string target, CancellationToken cancellationToken);
}

/// <summary>A restore tool's process and its option file, removed on dispose.</summary>
public sealed class RestoreSession(Process process, IDisposable? optionFile) : IDisposable
{
    public Process Process { get; } = process;

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
        optionFile?.Dispose();
    }
}

public static class BackupEngines
{
    public static IBackupEngine For(Engine engine) => engine switch
    {
        Engine.MariaDb => new MariaDbBackupEngine(),
        Engine.PostgreSql => new PostgreSqlBackupEngine(),
        _ => throw new BackupInputException($"{engine} servers are not backed up (only MariaDB and PostgreSQL)."),
    };
}
