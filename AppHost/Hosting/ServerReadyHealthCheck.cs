using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// Healthy means ready for a TLS login (and out of recovery, or +PONG over TLS for Redis) — and, the first time, the
/// server's seed done (the Plesk replica's existing databases and users), so whatever waits for it finds them.
/// </summary>
public sealed class ServerReadyHealthCheck(EstateRuntime runtime, string serverName) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!runtime.TryGetServer(serverName, out var server)) return HealthCheckResult.Unhealthy("not prepared yet");
        if (!await server.IsHealthyAsync(cancellationToken)) return HealthCheckResult.Unhealthy("not accepting TLS logins yet");
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
