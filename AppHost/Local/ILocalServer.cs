using Rollout.Topology.Model;

namespace Rollout.AppHost.Local;

/// <summary>
/// One real database/cache server process of the local replica (MariaDB, PostgreSQL, Redis), with
/// its own data directory under the state directory, TLS from the local CA, bound to loopback.
/// The orchestrator only speaks to servers through this contract.
/// </summary>
public interface ILocalServer : IAsyncDisposable
{
    ServerSpec Server { get; }

    string Host { get; }

    int Port { get; }

    /// <summary>The server process id once started (the real server, not a wrapper).</summary>
    int? Pid { get; }

    /// <summary>The server's own log file, whose tail is shown when it fails.</summary>
    string LogPath { get; }

    /// <summary>Initialises the data directory when missing, writes the config, launches the process.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>True once the process has exited (crashed, or stopped).</summary>
    bool HasExited { get; }

    /// <summary>True only when the server is really ready (accepts a TLS login and answers a query).</summary>
    Task<bool> IsHealthyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs once the server is healthy: brings its content to what the local replica must hold (the
    /// Plesk stand-in's existing databases and users), idempotently.
    /// </summary>
    Task SeedAsync(CancellationToken cancellationToken);

    /// <summary>Stops the process (graceful, then kill) and waits until it is gone.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}

/// <summary>A local server could not be started; the message names the cause and the fix.</summary>
public class LocalServerException(string message, Exception? inner = null) : Exception(message, inner);
