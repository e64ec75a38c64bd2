using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// Healthy means ready for a TLS login (and out of recovery, or +PONG over TLS for Redis) — and, the first time, the
/// server's seed done (the Plesk replica's existing databases and users), so whatever waits for it finds them.
/// </summary>
/// <remarks>
/// Aspire re-checks an unhealthy resource after 1, 2, 3, 4, then every 5 s: a server ready 50 ms after a failed check
/// would be reported seconds late, and a start would wait on the schedule rather than on the server. So a check polls
/// the login itself for up to <see cref="ReadinessWindow"/> before it answers "unhealthy".
/// </remarks>
public sealed class ServerReadyHealthCheck(EstateRuntime runtime, string serverName) : IHealthCheck
{
    public static readonly TimeSpan ReadinessWindow = TimeSpan.FromSeconds(4);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!runtime.TryGetServer(serverName, out var server)) return HealthCheckResult.Unhealthy("not prepared yet");
        var window = System.Diagnostics.Stopwatch.StartNew();
        while (!await server.IsHealthyAsync(cancellationToken))
        {
            if (window.Elapsed >= ReadinessWindow) return HealthCheckResult.Unhealthy($"not accepting TLS logins (polled for {ReadinessWindow.TotalSeconds:0} s)");
            await Task.Delay(PollInterval, cancellationToken);
        }
        try
        {
            await runtime.SeedOnceAsync(server, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            runtime.ForgetFailedSeed(serverName);
            return HealthCheckResult.Unhealthy("seeding failed: " + e.Message);
        }
        return HealthCheckResult.Healthy("ready for a TLS login");
    }
}
