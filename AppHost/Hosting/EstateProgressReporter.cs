using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// One console line per state change of a server or project (Aspire prints none), and one line once every server is
/// healthy, so a terminal or a script sees the estate come up without the dashboard.
/// </summary>
public sealed class EstateProgressReporter(ResourceNotificationService notifications, EstateRuntime runtime, DistributedApplicationModel model) : BackgroundService
{
    public const string AllHealthyLine = "All servers healthy";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var servers = model.Resources.OfType<EstateServerResource>().Select(r => r.Name).ToHashSet();
        var projects = model.Resources.OfType<ProjectResource>().Select(r => r.Name).ToHashSet();
        var last = new Dictionary<string, string>();
        var healthy = new HashSet<string>();
        var announced = false;
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                var name = update.Resource.Name;
                if (!servers.Contains(name) && !projects.Contains(name)) continue;
                var state = update.Snapshot.State?.Text;
                if (string.IsNullOrEmpty(state)) continue;
                if (servers.Contains(name) && update.Snapshot.HealthStatus == HealthStatus.Healthy && state == KnownResourceStates.Running)
                {
                    state = "Running (healthy)";
                    healthy.Add(name);
                }
                else if (servers.Contains(name)) healthy.Remove(name);
                var exit = update.Snapshot.ExitCode is { } code && state is "Finished" or "Exited" or "FailedToStart" ? $" (exit code {code})" : "";
                if (last.GetValueOrDefault(name) == state + exit) continue;
                last[name] = state + exit;
                Console.WriteLine($"{name}: {state}{exit}");
                if (!announced && healthy.SetEquals(servers))
                {
                    announced = true;
                    Console.WriteLine($"{AllHealthyLine}; endpoints in {Path.Combine(runtime.Layout.Root, "resources.json")}. Ctrl+C stops everything.");
                    if (Environment.GetEnvironmentVariable("ROLLOUT_APPHOST_CRASH_AFTER_START") == "1")
                    {
                        // Fault injection for the tests: an unhandled exception on another thread ends the process at once,
                        // without any cleanup code of ours or Aspire's (the servers must still go).
                        new Thread(() => throw new InvalidOperationException("ROLLOUT_APPHOST_CRASH_AFTER_START: simulated AppHost crash")).Start();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
