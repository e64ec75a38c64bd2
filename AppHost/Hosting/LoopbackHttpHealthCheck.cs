using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// Healthy when <c>GET http://127.0.0.1:port/path</c> answers 2xx. Aspire's own HTTP check asks for "localhost", which
/// the probe's and the receiver's loopback listeners (bound to 127.0.0.1 by name) answer with 404.
/// </summary>
public sealed class LoopbackHttpHealthCheck(Uri url) : IHealthCheck
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy($"{url} answers {(int)response.StatusCode}")
                : HealthCheckResult.Unhealthy($"{url} answers {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{url} not answering: {e.Message}");
        }
    }

    /// <summary>Registers the check under "&lt;resource&gt;-http-ready" and attaches it to the resource.</summary>
    public static IResourceBuilder<T> Attach<T>(IResourceBuilder<T> resource, int port, string path) where T : Aspire.Hosting.ApplicationModel.IResource
    {
        var name = $"{resource.Resource.Name}-http-ready";
        var url = new Uri($"http://127.0.0.1:{port}{path}");
        resource.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(name, _ => new LoopbackHttpHealthCheck(url), null, null));
        return resource.WithHealthCheck(name);
    }
}
