using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Rollout.ServiceDefaults.Local;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// Keeps &lt;state&gt;/resources.json (what scripts and the Provisioner/SmokeRunner read outside the AppHost) in step with
/// Aspire's resource states; records every server pid so the next start on this state directory reaps survivors.
/// </summary>
public sealed class ResourceSnapshotWriter(ResourceNotificationService notifications, EstateRuntime runtime, DistributedApplicationModel model) : BackgroundService
{
    private readonly Dictionary<string, (string State, int? Pid)> _states = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (update.Resource is not EstateServerResource server) continue;
                int? pid = update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value switch
                {
                    int value => value,
                    long value => (int)value,
                    string text when int.TryParse(text, out var parsed) => parsed,
                    _ => (int?)null,
                } is > 0 and var started ? started : null; // before the process exists the orchestrator reports 0
                var state = update.Snapshot.State?.Text ?? "Unknown";
                var health = update.Snapshot.HealthStatus;
                if (state == KnownResourceStates.Running && health is not Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy) state = "Starting";
                if (_states.TryGetValue(server.Name, out var known) && known == (state, pid)) continue;
                if (pid is { } launched && (!_states.TryGetValue(server.Name, out var before) || before.Pid != launched))
                    runtime.Leftovers.Record(launched, server.Name);
                _states[server.Name] = (state, pid);
                await WriteAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Writes resources.json from the model and the states seen so far (servers not seen yet: Starting).</summary>
    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        // Updates arrive from the model's creation on; the state directory exists once BeforeStartEvent prepared it.
        if (runtime.Context is null) return;
        var rows = new List<ResourceState>();
        foreach (var resource in model.Resources)
        {
            switch (resource)
            {
                case EstateServerResource server:
                    var (state, pid) = _states.GetValueOrDefault(server.Name, ("Starting", null));
                    var (host, port) = runtime.Address(server.Spec);
                    rows.Add(new ResourceState(server.Name, server.Spec.Engine.ToString(), state, host, port, pid,
                        await MaskedConnectionString.RenderAsync(server.ConnectionStringExpression, runtime, cancellationToken)));
                    break;
                case EstateDatabaseResource database when database.Parent is EstateServerResource parent:
                    var (parentState, _) = _states.GetValueOrDefault(parent.Name, ("Starting", null));
                    var (dbHost, dbPort) = runtime.Address(parent.Spec);
                    rows.Add(new ResourceState(database.DatabaseName, "Database", parentState, dbHost, dbPort, null,
                        await MaskedConnectionString.RenderAsync(database.ConnectionStringExpression, runtime, cancellationToken)));
                    break;
            }
        }
        await new ResourceSnapshot(runtime.Layout.Root, runtime.CaCertificatePath, Environment.ProcessId, rows).WriteAsync(cancellationToken);
    }
}
