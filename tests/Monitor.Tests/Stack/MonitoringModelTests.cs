using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Rollout.AppHost.Hosting;

namespace Rollout.Monitor.Tests.Stack;

/// <summary>The monitoring part of `dotnet run`'s application model (built, not started).</summary>
public sealed class MonitoringModelTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("rollout-monitoring-model-").FullName;

    [Fact]
    public async Task Monitoring_resources_are_unproxied_loopback_processes_and_nothing_of_the_estate_waits_for_them()
    {
        await using var app = await BuildAsync("--Monitoring:PrometheusPort=19090");
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var monitoring = MonitoringNames.Select(name => model.Resources.Single(r => r.Name == name)).ToList();

        Assert.Empty(model.Resources.OfType<ContainerResource>());
        Assert.All(monitoring, resource =>
        {
            var endpoint = Assert.Single(resource.Annotations.OfType<EndpointAnnotation>());
            Assert.False(endpoint.IsProxied);
            Assert.NotEmpty(resource.Annotations.OfType<HealthCheckAnnotation>());
        });
        Assert.Equal(19090, model.Resources.Single(r => r.Name == "prometheus").Annotations.OfType<EndpointAnnotation>().Single().Port);
        var waitedFor = model.Resources.Where(r => !MonitoringNames.Contains(r.Name))
            .SelectMany(r => r.Annotations.OfType<WaitAnnotation>()).Select(w => w.Resource.Name);
        Assert.DoesNotContain(waitedFor, MonitoringNames.Contains);
    }

    [Fact]
    public async Task Monitoring_can_be_switched_off()
    {
        await using var app = await BuildAsync("--Monitoring:Enabled=false");
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();

        Assert.DoesNotContain(model.Resources, r => MonitoringNames.Contains(r.Name));
    }

    [Theory]
    [InlineData("--Monitoring:ScrapeInterval=soon", "Monitoring:ScrapeInterval = 'soon': expected whole seconds")]
    [InlineData("--Monitoring:AlertmanagerPort=70000", "Monitoring:AlertmanagerPort = '70000': expected a port 1-65535")]
    [InlineData("--Monitoring:Enabled=maybe", "Monitoring:Enabled = 'maybe': expected true or false")]
    public async Task A_bad_monitoring_setting_stops_the_start_naming_the_key(string argument, string expected)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await (await BuildAsync(argument)).DisposeAsync());

        Assert.Contains(expected, error.ToString());
    }

    private static readonly string[] MonitoringNames =
        [MonitoringResourceExtensions.ProbeName, MonitoringResourceExtensions.ReceiverName, MonitoringResourceExtensions.AlertmanagerName, MonitoringResourceExtensions.PrometheusName];

    private async Task<DistributedApplication> BuildAsync(string argument)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Rollout_AppHost>(["--state-dir", _state, argument],
            (options, _) => options.DisableDashboard = true);
        return await builder.BuildAsync();
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);
}
