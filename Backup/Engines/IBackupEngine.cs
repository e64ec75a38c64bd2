using System.Diagnostics;
using Rollout.Backup.Manifests;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Backup.Engines;

/// <summary>
/// A dump in progress: the tool's process (its stdout is the dump), the manifest's content being read beside it (in a
/// snapshot taken just before the dump's, or the very snapshot pg_dump imports), and what it must release afterwards
/// (the option file holding the password, the content's session). Reading the content alongside the dump rather than
/// before it keeps the manifest's full pass over the rows off the backup's critical path.
/// </summary>
public sealed class DumpSession(Process process, string serverVersion, string toolVersion,
    Func<CancellationToken, Task<DatabaseContent>> readContent, IAsyncDisposable resources, CancellationToken cancellationToken) : IAsyncDisposable
{
    private readonly CancellationTokenSource _contentCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    private Task<DatabaseContent>? _content;

    public Process Process { get; } = process;
    public string ServerVersion { get; } = serverVersion;
    public string ToolVersion { get; } = toolVersion;

    /// <summary>The content, read since <see cref="StartContent"/>; awaited once the dump has been stored.</summary>
    public Task<DatabaseContent> Content => _content ?? throw new InvalidOperationException("The content read was not started.");

    /// <summary>Starts reading the content (once the dump tool runs, so both work at the same time).</summary>
    public DumpSession StartContent()
    {
        _content = Task.Run(() => readContent(_contentCancellation.Token), _contentCancellation.Token);
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
        // A failed dump leaves the content read running: stop it before its session is closed.
        await _contentCancellation.CancelAsync();
        if (_content is not null)
        {
            try
            {
                await _content;
            }
            catch (Exception e) when (e is OperationCanceledException or System.Data.Common.DbException or InvalidOperationException)
            {
                // Only its result mattered, and it is no longer wanted (or its failure was already reported).
            }
        }
        _contentCancellation.Dispose();
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
