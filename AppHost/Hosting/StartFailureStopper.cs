using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// A server that fails to start (FailedToStart, or exits before the estate is healthy) stops the whole application:
/// Aspire would leave the other servers running, but a half-started estate is of no use and hides the fault. The
/// cause (state, exit code, the server's last lines) goes to stderr, the orchestrator stops every resource, and the
/// program exits with <see cref="FailedExitCode"/>. Only when the AppHost runs as a program: under
/// Aspire.Hosting.Testing the test decides.
/// </summary>
public sealed class StartFailureStopper(ResourceNotificationService notifications, DistributedApplicationModel model, ServerLogFiles logs,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    public const int FailedExitCode = 1;

    /// <summary>Time for a failed server's last output to reach its log before the message is written.</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>0 while nothing failed; <see cref="FailedExitCode"/> once a server failed to start.</summary>
    public int ExitCode { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var servers = model.Resources.OfType<EstateServerResource>().Select(r => r.Name).ToHashSet();
        var healthy = new HashSet<string>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                var name = update.Resource.Name;
                if (!servers.Contains(name)) continue;
                if (lifetime.ApplicationStopping.IsCancellationRequested) return; // a stop asked for (Ctrl+C): servers exit on purpose
                var state = update.Snapshot.State?.Text;
                if (update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy) healthy.Add(name);
                if (healthy.SetEquals(servers)) return; // started: later faults are the dashboard's and the health checks' business
                if (state != KnownResourceStates.FailedToStart && state != KnownResourceStates.Exited && state != KnownResourceStates.Finished) continue;
                await Task.Delay(OutputGrace, stoppingToken);
                ExitCode = FailedExitCode;
                var exit = update.Snapshot.ExitCode is { } code ? $" (exit code {code})" : "";
                var output = logs.Tail(name);
                await Console.Error.WriteLineAsync(
                    $"error: server '{name}' did not start: {state}{exit}. Its last output ({logs.PathOf(name)}):{Environment.NewLine}" +
                    string.Join(Environment.NewLine, output.Count > 0 ? output.Select(l => "  " + l) : ["  (none)"]) + Environment.NewLine +
                    "Stopping every resource of the estate; fix the cause and start again.");
                lifetime.StopApplication();
                return;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
