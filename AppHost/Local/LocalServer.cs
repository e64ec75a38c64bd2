using System.Diagnostics;
using Rollout.AppHost.Local.Processes;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Local;

/// <summary>
/// What all local servers do alike: check the program and the port, prepare the data directory and
/// configuration, launch through <see cref="ChildProcessLauncher"/>, record the pid, stop gracefully.
/// </summary>
public abstract class LocalServer(ServerSpec server, string host, int port, LocalServerContext context, string systemUser) : ILocalServer
{
    private Process? _process;
    private readonly Lazy<ServerAccount?> _account = new(() => ServerAccount.ForServerUser(systemUser));

    public ServerSpec Server { get; } = server;

    public string Host { get; } = host;

    public int Port { get; } = port;

    public int? Pid => _process?.Id;

    public string LogPath => Context.Layout.Log(Server.Name);

    public bool HasExited => _process is { HasExited: true };

    protected LocalServerContext Context { get; } = context;

    /// <summary>
    /// The unprivileged account the server runs as when the AppHost is root; null otherwise. Looked up on first
    /// use, after <see cref="StartAsync"/> has installed a missing server package: the package creates the account.
    /// </summary>
    protected ServerAccount? Account => _account.Value;

    protected string DataDirectory => Context.Layout.Data(Server.Name);

    protected string RunDirectory => Context.Layout.Run(Server.Name);

    protected string ConfigDirectory => Context.Layout.Config(Server.Name);

    /// <summary>The program to check before anything else, with the option that points elsewhere.</summary>
    protected abstract (string Path, string Option) Program { get; }

    /// <summary>The signal for a clean, quick shutdown (also sent by the kernel if the AppHost dies).</summary>
    protected abstract Signal StopSignal { get; }

    /// <summary>Initialises the data directory when missing and writes this run's configuration.</summary>
    protected abstract Task PrepareAsync(CancellationToken cancellationToken);

    protected abstract LaunchSpec CreateLaunchSpec();

    public abstract Task<bool> IsHealthyAsync(CancellationToken cancellationToken);

    public virtual Task SeedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ServerBinaries.Require(Program.Path, Server.Engine, Server.Name, Program.Option);
        PortProbe.RequireFree(Host, Port, Server.Name);
        foreach (var directory in new[] { RunDirectory, ConfigDirectory })
        {
            Directory.CreateDirectory(directory);
            ServerAccount.Own(Account, directory);
        }
        File.SetUnixFileMode(RunDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.AppendAllTextAsync(LogPath, $"--- {DateTime.UtcNow:O} Rollout AppHost starts {Server.Name} on {Host}:{Port}{Environment.NewLine}", cancellationToken);
        await PrepareAsync(cancellationToken);
        _process = await ChildProcessLauncher.StartAsync(CreateLaunchSpec());
        Context.Leftovers.Record(_process.Id, Server.Name);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                ChildProcessLauncher.SendSignal(_process.Id, StopSignal);
                using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                grace.CancelAfter(TimeSpan.FromSeconds(20));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    ChildProcessLauncher.SendSignal(_process.Id, Signal.Kill);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
            Context.Leftovers.Forget(_process.Id);
        }
        finally
        {
            OnStopped();
        }
    }

    /// <summary>Removes files that must not outlive the process (init files).</summary>
    protected virtual void OnStopped()
    {
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _process?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes a configuration file readable by the server's account (no secrets in it).</summary>
    protected static async Task WriteConfigAsync(string path, string content, ServerAccount? owner, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(path, content, cancellationToken);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_000);
        ServerAccount.Own(owner, path);
    }
}
