using System.Collections.Concurrent;
using System.Globalization;
using Rollout.AppHost.Local;
using Rollout.AppHost.Local.MariaDb;
using Rollout.AppHost.Local.PostgreSql;
using Rollout.AppHost.Local.Processes;
using Rollout.AppHost.Local.Redis;
using Rollout.AppHost.Local.Templates;
using Rollout.AppHost.Local.Tls;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// The local side of one AppHost run: the state directory (locked against a second AppHost), the local CA and secret
/// store, and the engine know-how of each server. <see cref="PrepareAsync"/> runs in Aspire's BeforeStartEvent, so a
/// taken port, a missing program or an unreachable state directory stops the start before any server runs, with
/// every problem named at once. Disposed with the application (releases the lock).
/// </summary>
public sealed class EstateRuntime(Estate estate, EnvironmentSpec environment, EstateOptions options, string stateDirectory) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, LocalServer> _servers = new();
    private readonly ConcurrentDictionary<string, Task> _seeded = new();
    private FileStream? _lock;

    public Estate Estate { get; } = estate;

    public EnvironmentSpec Environment { get; } = environment;

    public EstateOptions Options { get; } = options;

    public StateLayout Layout { get; } = new(stateDirectory);

    public LocalSecretStore Secrets { get; } = LocalSecretStore.InStateDirectory(stateDirectory);

    public string CaCertificatePath => Path.Combine(Layout.Tls, "ca.crt");

    public LocalServerContext? Context { get; private set; }

    /// <summary>How long a server gets for its own graceful shutdown before it is killed (InnoDB and PostgreSQL flush).</summary>
    public static readonly TimeSpan LeftoverGrace = TimeSpan.FromSeconds(20);

    public LeftoverProcesses Leftovers { get; } = new(new StateLayout(stateDirectory).ProcessesFile);

    /// <summary>The local host and port of a server: rollout.yaml's local endpoint, a --port override, else the engine's port.</summary>
    public (string Host, int Port) Address(ServerSpec server)
    {
        var endpoint = Environment.Servers.GetValueOrDefault(server.Name);
        var host = endpoint?.Host.Raw ?? "127.0.0.1";
        var port = Options.PortOverrides.TryGetValue(server.Name, out var overridden) ? overridden
            : endpoint is not null ? int.Parse(endpoint.Port.Raw, CultureInfo.InvariantCulture) : server.DefaultPort;
        return (host, port);
    }

    /// <summary>The prepared server (after BeforeStartEvent).</summary>
    public LocalServer Server(string name) => _servers.TryGetValue(name, out var server) ? server
        : throw new InvalidOperationException($"Server '{name}' has not been prepared (BeforeStartEvent has not run).");

    public bool TryGetServer(string name, out LocalServer server) => _servers.TryGetValue(name, out server!);

    /// <summary>The secret under <paramref name="name"/>, generated and stored when missing (a password parameter's value).</summary>
    public string SecretValue(string name)
    {
        Layout.Create();
        return LocalServerContext.EnsureSecretAsync(Secrets, name, CancellationToken.None).GetAwaiter().GetResult().Reveal();
    }

    /// <summary>Everything before the servers start; throws <see cref="LocalServerException"/> naming every problem.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        StateDirectoryAccess.Require(Layout.Root);
        Layout.Create();
        _lock = AcquireLock();
        if (Options.Fresh)
        {
            await Leftovers.ReapAsync(LeftoverGrace, cancellationToken);
            Layout.DeleteState();
            Layout.Create();
        }
        await Leftovers.ReapAsync(LeftoverGrace, cancellationToken);
        var authority = LocalCertificateAuthority.LoadOrCreate(Layout.Tls);
        Context = new LocalServerContext(Estate, Layout, authority, Secrets, Options.Binaries, Leftovers,
            TemplateCache.Resolve(Options.TemplateCacheDirectory, disabled: !Options.UseTemplateCache));
        foreach (var spec in Estate.EnabledServers(Environment))
        {
            var (host, port) = Address(spec);
            _servers[spec.Name] = spec.Engine switch
            {
                Engine.MariaDb => new MariaDbServer(spec, host, port, Context),
                Engine.PostgreSql => new PostgreSqlServer(spec, host, port, Context, Environment),
                _ => new RedisServer(spec, host, port, Context),
            };
        }
        var failures = new List<string>();
        var prepares = _servers.Values.Select(async server =>
        {
            try
            {
                await server.PrepareAsync(cancellationToken);
            }
            catch (LocalServerException e)
            {
                lock (failures) failures.Add(e.Message);
            }
        });
        await Task.WhenAll(prepares);
        if (failures.Count > 0) throw new LocalServerException(string.Join(System.Environment.NewLine + System.Environment.NewLine, failures));
    }

    /// <summary>Seeds a server once (the Plesk replica's databases and users), the first time it is healthy.</summary>
    public Task SeedOnceAsync(LocalServer server, CancellationToken cancellationToken) =>
        _seeded.GetOrAdd(server.Server.Name, _ => server.SeedAsync(cancellationToken));

    public void ForgetFailedSeed(string name) => _seeded.TryRemove(name, out _);

    private FileStream AcquireLock()
    {
        var pidFile = Path.Combine(Layout.Root, "apphost.pid");
        try
        {
            // FileShare.None takes an exclusive flock (released by the kernel if the AppHost dies).
            var stream = new FileStream(Layout.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(pidFile, System.Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            return stream;
        }
        catch (IOException)
        {
            var owner = File.Exists(pidFile) ? File.ReadAllText(pidFile).Trim() : "?";
            throw new LocalServerException($"State directory {Layout.Root} is in use by another AppHost (pid {owner}). Stop it (Ctrl+C), or use another --state-dir.");
        }
    }

    public ValueTask DisposeAsync()
    {
        _lock?.Dispose();
        _lock = null;
        return ValueTask.CompletedTask;
    }
}
