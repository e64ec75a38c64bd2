using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Rollout.AppHost.Local;
using Rollout.AppHost.Local.MariaDb;
using Rollout.AppHost.Local.PostgreSql;
using Rollout.AppHost.Local.Processes;
using Rollout.AppHost.Local.Redis;
using Rollout.AppHost.Model;
using Rollout.ServiceDefaults.Local;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Orchestration;

/// <summary>
/// Runs the application model locally: servers start in parallel and are Running only once really
/// healthy (and seeded); projects start when what they wait for is Running/Finished. A server that
/// fails to start stops everything else and the error carries its log tail. Health is polled
/// every 50 ms while starting and every 2 s while running.
/// </summary>
public sealed class Orchestrator(ApplicationModel model, EnvironmentSpec environment, LocalServerContext context, AppHostOptions options, string repositoryRoot, ResourceStatusBoard board)
    : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, ILocalServer> _servers = new();
    private readonly List<ProjectRunner> _projects = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task? _monitor;
    private int _stopped;

    public ResourceStatusBoard Board { get; } = board;

    public IReadOnlyDictionary<string, ILocalServer> Servers => _servers;

    /// <summary>Completes when a project or server fails at run time (the AppHost keeps running; this is for callers that want to know).</summary>
    public IEnumerable<ProjectRunner> Projects => _projects;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var server in model.Servers) _servers[server.Name] = CreateServer(server);
        foreach (var parameter in model.Parameters)
            parameter.BindValue(ct => new ValueTask<Secret>(context.EnsureSecretAsync(parameter.SecretName, ct)));
        await Board.PublishAsync(cancellationToken);

        var starts = model.Servers.Select(s => StartServerAsync(s, cancellationToken)).ToList();
        var failures = new List<string>();
        foreach (var start in starts)
        {
            try
            {
                await start;
            }
            catch (Exception e) when (e is LocalServerException or AppHostStartException)
            {
                failures.Add(e.Message);
            }
        }
        if (failures.Count > 0 || cancellationToken.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new AppHostStartException(string.Join(Environment.NewLine + Environment.NewLine, failures));
        }

        if (options.RunProjects)
            foreach (var project in model.Projects)
                _projects.Add(ProjectRunner.Start(project, Board, repositoryRoot, context, _stopping.Token));
        _monitor = MonitorAsync(_stopping.Token);
    }

    private ILocalServer CreateServer(ServerResource resource)
    {
        var endpoint = environment.Servers.TryGetValue(resource.Name, out var spec) ? spec : null;
        var host = endpoint?.Host.Raw ?? "127.0.0.1";
        var port = options.PortOverrides.TryGetValue(resource.Name, out var overridden)
            ? overridden
            : endpoint is not null ? int.Parse(endpoint.Port.Raw, CultureInfo.InvariantCulture) : resource.Spec.DefaultPort;
        resource.Endpoint.Allocate(host, port);
        return resource.Engine switch
        {
            Engine.MariaDb => new MariaDbServer(resource.Spec, host, port, context),
            Engine.PostgreSql => new PostgreSqlServer(resource.Spec, host, port, context, environment),
            _ => new RedisServer(resource.Spec, host, port, context),
        };
    }

    private async Task StartServerAsync(ServerResource resource, CancellationToken cancellationToken)
    {
        var server = _servers[resource.Name];
        await Board.UpdateAsync(resource, ResourceStates.Starting, cancellationToken: cancellationToken);
        try
        {
            await server.StartAsync(cancellationToken);
            await Board.UpdateAsync(resource, ResourceStates.Starting, pid: server.Pid, cancellationToken: cancellationToken);
            var clock = Stopwatch.StartNew();
            while (!await server.IsHealthyAsync(cancellationToken))
            {
                if (server.HasExited)
                    throw new LocalServerException($"Resource '{resource.Name}' ({resource.Kind}) exited while starting.{Environment.NewLine}{LogTail.Read(server.LogPath)}");
                if (clock.Elapsed > StartTimeout)
                    throw new LocalServerException($"Resource '{resource.Name}' ({resource.Kind}) did not become healthy within {StartTimeout.TotalSeconds:0} s.{Environment.NewLine}{LogTail.Read(server.LogPath)}");
                await Task.Delay(50, cancellationToken);
            }
            await server.SeedAsync(cancellationToken);
            await Board.UpdateAsync(resource, ResourceStates.Running, pid: server.Pid, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is LocalServerException)
        {
            await Board.UpdateAsync(resource, ResourceStates.FailedToStart, detail: FirstLine(e.Message), cancellationToken: CancellationToken.None);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Board.UpdateAsync(resource, ResourceStates.FailedToStart, detail: FirstLine(e.Message), cancellationToken: CancellationToken.None);
            throw new AppHostStartException($"Resource '{resource.Name}' failed to start: {e.Message}{Environment.NewLine}{LogTail.Read(server.LogPath)}", e);
        }
    }

    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                foreach (var resource in model.Servers)
                {
                    var server = _servers[resource.Name];
                    var current = Board[resource.Name].State;
                    if (current is not (ResourceStates.Running or ResourceStates.RuntimeUnhealthy)) continue;
                    if (server.HasExited)
                    {
                        await Board.UpdateAsync(resource, ResourceStates.Exited, detail: "the process exited; see " + server.LogPath, cancellationToken: cancellationToken);
                        continue;
                    }
                    var healthy = await server.IsHealthyAsync(cancellationToken);
                    var next = healthy ? ResourceStates.Running : ResourceStates.RuntimeUnhealthy;
                    if (next != current) await Board.UpdateAsync(resource, next, cancellationToken: cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops projects, then every server (in parallel), and waits until all processes are gone.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        await _stopping.CancelAsync();
        if (_monitor is not null) await _monitor;
        foreach (var project in _projects) await project.StopAsync();
        await Task.WhenAll(model.Servers.Select(async resource =>
        {
            if (!_servers.TryGetValue(resource.Name, out var server) || server.Pid is null) return;
            // A server that failed keeps FailedToStart (the reason); its process, if any, is still stopped.
            var failed = Board[resource.Name].State == ResourceStates.FailedToStart;
            if (!failed) await Board.UpdateAsync(resource, ResourceStates.Stopping, cancellationToken: CancellationToken.None);
            await server.StopAsync(cancellationToken);
            if (!failed) await Board.UpdateAsync(resource, ResourceStates.Exited, pid: null, cancellationToken: CancellationToken.None);
        }));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    private static string FirstLine(string text) => text.Split('\n')[0].TrimEnd();
}
