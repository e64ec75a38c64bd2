using Rollout.Topology.Model;

namespace Rollout.AppHost.Local;

/// <summary>
/// The engine know-how of one local server (MariaDB, PostgreSQL, Redis) that Aspire's orchestrator (DCP) runs as an
/// executable resource: before the start it checks (and installs) the program, checks the port, prepares the data
/// directory, configuration and TLS (<see cref="PrepareAsync"/>); it says how to launch the server
/// (<see cref="Launch"/>); and it says when the server is ready for a TLS login (<see cref="IsHealthyAsync"/>).
/// </summary>
public abstract class LocalServer(ServerSpec server, string host, int port, LocalServerContext context, string systemUser)
{
    private ServerAccount? _account;
    private bool _accountResolved;

    public ServerSpec Server { get; } = server;

    public string Host { get; } = host;

    public int Port { get; } = port;

    /// <summary>The log of what the AppHost did to prepare this server (template builds, one-shot tools); the server's own output goes to Aspire's console log.</summary>
    public string LogPath => Context.Layout.Log(Server.Name);

    protected LocalServerContext Context { get; } = context;

    /// <summary>
    /// The unprivileged account the server runs as when the AppHost is root; null otherwise. Looked up only once the
    /// program is there: on a fresh machine the package that creates the account is installed first.
    /// </summary>
    public ServerAccount? Account
    {
        get
        {
            if (!_accountResolved)
            {
                _account = ServerAccount.ForServerUser(systemUser);
                _accountResolved = true;
            }
            return _account;
        }
    }

    protected string DataDirectory => Context.Layout.Data(Server.Name);

    protected string RunDirectory => Context.Layout.Run(Server.Name);

    protected string ConfigDirectory => Context.Layout.Config(Server.Name);

    /// <summary>The program to check before anything else, with the option that points elsewhere.</summary>
    public abstract (string Path, string Option) Program { get; }

    /// <summary>The server's arguments (the program itself is <see cref="Program"/>).</summary>
    protected abstract IReadOnlyList<string> Arguments { get; }

    /// <summary>
    /// True for a server whose SIGTERM waits for its clients (PostgreSQL's smart shutdown): the launch wrapper turns
    /// the orchestrator's SIGTERM into SIGINT (fast shutdown), so an idle pooled connection never holds the stop up.
    /// </summary>
    protected virtual bool InterruptOnTerminate => false;

    /// <summary>Initialises the data directory when missing and writes this run's configuration.</summary>
    protected abstract Task PrepareDataAsync(CancellationToken cancellationToken);

    public abstract Task<bool> IsHealthyAsync(CancellationToken cancellationToken);

    /// <summary>Runs once the server is first healthy: brings its content to what the local replica must hold (idempotent).</summary>
    public virtual Task SeedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Everything before the launch: program (installed when root), port, directories, data, configuration, TLS.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        ServerBinaries.Require(Program.Path, Server.Engine, Server.Name, Program.Option);
        PortProbe.RequireFree(Host, Port, Server.Name);
        foreach (var directory in new[] { RunDirectory, ConfigDirectory })
        {
            Directory.CreateDirectory(directory);
            ServerAccount.Own(Account, directory);
        }
        File.SetUnixFileMode(RunDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.AppendAllTextAsync(LogPath, $"--- {DateTime.UtcNow:O} Rollout AppHost prepares {Server.Name} on {Host}:{Port}{Environment.NewLine}", cancellationToken);
        await PrepareDataAsync(cancellationToken);
    }

    /// <summary>
    /// The executable the orchestrator starts: /bin/sh, which execs (setpriv to the server's account when root, then)
    /// the server itself, so the orchestrator's stop signal reaches the server directly.
    /// </summary>
    public const string Shell = "/bin/sh";

    public IReadOnlyList<string> LaunchArguments()
    {
        var script = InterruptOnTerminate
            // Not exec: the shell stays to turn TERM (and INT/HUP) into one SIGINT, then waits for the server to finish.
            ? "trap 'kill -INT $child 2>/dev/null' TERM INT HUP; \"$@\" & child=$!; while kill -0 $child 2>/dev/null; do wait $child; done"
            : "exec \"$@\"";
        var arguments = new List<string> { "-c", script, "sh" };
        if (Account is { } account)
        {
            arguments.Add("/usr/bin/setpriv");
            arguments.AddRange(account.SetprivArguments());
            arguments.Add("--");
        }
        arguments.Add(Program.Path);
        arguments.AddRange(Arguments);
        return arguments;
    }

    /// <summary>Writes a configuration file readable by the server's account (no secrets in it).</summary>
    protected static async Task WriteConfigAsync(string path, string content, ServerAccount? owner, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(path, content, cancellationToken);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_000);
        ServerAccount.Own(owner, path);
    }
}
