using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Rollout.AppHost.Hosting;
using Rollout.Monitor.Tests.Alerting;
using Rollout.Monitor.Tests.Fixtures;

namespace Rollout.Monitor.Tests.Stack;

/// <summary>The AppHost's monitoring resources, running: healthy, Prometheus scraping the probe with the generated rules, Alertmanager up.</summary>
[Collection(MonitoredEstateCollection.Name)]
public sealed class MonitoringResourcesTests(MonitoredEstate estate)
{
    [Fact]
    public async Task Prometheus_scrapes_the_probe_resource_and_has_the_rules_generated_from_the_estate()
    {
        var targets = await PrometheusQueries.WaitForBodyAsync(estate.PrometheusUrl, "/api/v1/targets", "\"health\":\"up\"", TimeSpan.FromSeconds(30));
        Assert.Contains("\"job\":\"rollout-probe\"", targets);
        var probe = estate.Host.App.GetEndpoint(MonitoringResourceExtensions.ProbeName, MonitoringResourceExtensions.HttpEndpoint);
        Assert.Contains($"\"scrapeUrl\":\"http://127.0.0.1:{probe.Port}/metrics\"", targets);

        using var http = new HttpClient { BaseAddress = estate.PrometheusUrl };
        var rules = await http.GetStringAsync("/api/v1/rules");
        foreach (var alert in estate.Estate.Alerts) Assert.Contains($"\"name\":\"{alert.Name}\"", rules);
    }

    [Fact]
    public async Task Prometheus_sends_to_the_alertmanager_resource_which_sends_to_the_receiver_resource()
    {
        using var http = new HttpClient { BaseAddress = estate.PrometheusUrl };
        var alertmanagers = await http.GetStringAsync("/api/v1/alertmanagers");
        var alertmanager = estate.Host.App.GetEndpoint(MonitoringResourceExtensions.AlertmanagerName, MonitoringResourceExtensions.HttpEndpoint);
        Assert.Contains($"127.0.0.1:{alertmanager.Port}", alertmanagers);

        using var amHttp = new HttpClient { BaseAddress = alertmanager };
        var status = await amHttp.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v2/status");
        var receiver = estate.Host.App.GetEndpoint(MonitoringResourceExtensions.ReceiverName, MonitoringResourceExtensions.HttpEndpoint);
        Assert.Contains($"http://127.0.0.1:{receiver.Port}/alerts", status.GetProperty("config").GetProperty("original").GetString());
    }

    [Fact]
    public void The_generated_configuration_lives_in_the_state_directory()
    {
        var files = new MonitoringFiles(estate.StateDirectory);
        Assert.True(File.Exists(files.PrometheusConfig));
        Assert.True(File.Exists(files.Rules));
        Assert.True(File.Exists(files.AlertmanagerConfig));
        Assert.True(Directory.EnumerateFileSystemEntries(files.PrometheusData).Any());
        Assert.Contains("scrape_interval: 1s", File.ReadAllText(files.PrometheusConfig));
    }
}
