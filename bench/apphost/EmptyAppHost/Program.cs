using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

// The orchestrator's floor for issue 13's start benchmark: one redis-server executable on a fixed, non-proxied port,
// healthy once it answers PING, and the same "All servers healthy" line our AppHost prints, so one script times both.
// Usage: dotnet Rollout.Bench.EmptyAppHost.dll --port <p> --dir <data dir> [--no-dashboard]
var port = int.Parse(args[Array.IndexOf(args, "--port") + 1], System.Globalization.CultureInfo.InvariantCulture);
var directory = args[Array.IndexOf(args, "--dir") + 1];
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = [], DisableDashboard = args.Contains("--no-dashboard") });
builder.Services.AddHealthChecks().AddAsyncCheck("redis-ping", async cancellationToken =>
{
    try
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("PING\r\n"), cancellationToken);
        var buffer = new byte[7];
        var read = await stream.ReadAsync(buffer, cancellationToken);
        return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy();
    }
    catch (SocketException)
    {
        return HealthCheckResult.Unhealthy();
    }
});
var redis = builder.AddExecutable("redis", "redis-server", directory, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--dir", directory)
    .WithEndpoint(port: port, targetPort: port, name: "tcp", scheme: "tcp", isProxied: false)
    .WithHealthCheck("redis-ping");
builder.Eventing.Subscribe<ResourceReadyEvent>(redis.Resource, (_, _) =>
{
    Console.WriteLine("All servers healthy");
    return Task.CompletedTask;
});
await builder.Build().RunAsync();
