using Rollout.AppHost.Publishing.Monitoring;
using Rollout.Monitor.Tests.Fixtures;

namespace Rollout.Monitor.Tests.Alerting;

/// <summary>
/// Issue 11's "done when": a stopped PostgreSQL server and a service password changed by hand reach the receiver as
/// the critical ConnectionFailure alert of exactly the affected databases, and their repair as the resolution.
/// </summary>
[Collection(MonitoredEstateCollection.Name)]
public sealed class AlertingEndToEndTests(MonitoredEstate estate)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    [PrometheusFact]
    public async Task A_stopped_postgresql_server_alerts_critical_for_each_of_its_databases_and_resolves_when_it_is_back()
    {
        await using var pipeline = await AlertingPipeline.StartAsync(estate);
        await pipeline.WaitForScrapesAsync(estate.Binding.Databases.Count, Window);
        var affected = estate.Binding.DatabasesOn("external-postgres").Select(d => d.Name).ToHashSet();
        Assert.Empty(pipeline.Receiver.Alerts);

        await estate.StopServerAsync("external-postgres");
        try
        {
            await pipeline.Receiver.WaitForAsync(alerts => affected.All(d => Firing(alerts, d)), Window, "ConnectionFailure for every PostgreSQL database");
        }
        finally
        {
            await estate.StartServerAsync("external-postgres");
        }
        var payload = pipeline.Receiver.Received.First(p => p.Status == "firing");
        Assert.Equal("4", payload.Version);
        Assert.Equal(AlertmanagerConfig.ReceiverName, payload.Receiver);
        Assert.All(pipeline.Receiver.Alerts.Where(a => a.Status == "firing"), alert =>
        {
            Assert.Equal("ConnectionFailure", alert.Labels["alertname"]);
            Assert.Equal("critical", alert.Labels["severity"]);
            Assert.Equal("external-postgres", alert.Labels["server"]);
            Assert.Contains(alert.Labels["database"], affected);
            Assert.Equal("ConnectionFailure (critical): connection_success < 1", alert.Annotations["summary"]);
        });

        await pipeline.Receiver.WaitForAsync(alerts => affected.All(d => Resolved(alerts, d)), Window, "the resolution for every PostgreSQL database");
    }

    [PrometheusFact]
    public async Task A_service_password_changed_by_hand_alerts_for_that_database_only_and_resolves_when_repaired()
    {
        await using var pipeline = await AlertingPipeline.StartAsync(estate);
        await pipeline.WaitForScrapesAsync(estate.Binding.Databases.Count, Window);
        var stored = (await estate.Secrets.GetAsync("PG_IDP_DB_PASS", default))!;

        await estate.AdminAsync("external-postgres", "ALTER ROLE svc_idp PASSWORD 'changed-by-hand-Zr4'");
        try
        {
            await pipeline.Receiver.WaitForAsync(alerts => Firing(alerts, "mo_idp"), Window, "ConnectionFailure for mo_idp");
        }
        finally
        {
            await estate.AdminAsync("external-postgres", $"ALTER ROLE svc_idp PASSWORD '{stored.Reveal().Replace("'", "''", StringComparison.Ordinal)}'");
        }
        await pipeline.Receiver.WaitForAsync(alerts => Resolved(alerts, "mo_idp"), Window, "the resolution for mo_idp");

        Assert.All(pipeline.Receiver.Alerts, alert => Assert.Equal("mo_idp", alert.Labels["database"]));
        Assert.All(pipeline.Receiver.Alerts, alert => Assert.Equal("ConnectionFailure", alert.Labels["alertname"]));
    }

    private static bool Firing(IReadOnlyList<WebhookAlert> alerts, string database) =>
        alerts.Any(a => a.Status == "firing" && a.Labels.GetValueOrDefault("alertname") == "ConnectionFailure" && a.Labels.GetValueOrDefault("database") == database);

    private static bool Resolved(IReadOnlyList<WebhookAlert> alerts, string database) =>
        alerts.Any(a => a.Status == "resolved" && a.Labels.GetValueOrDefault("alertname") == "ConnectionFailure" && a.Labels.GetValueOrDefault("database") == database);
}

/// <summary>Needs Debian's prometheus and prometheus-alertmanager; skipped with the install command otherwise.</summary>
public sealed class PrometheusFactAttribute : FactAttribute
{
    public PrometheusFactAttribute()
    {
        if (!ProcessRunner.Exists("prometheus") || !ProcessRunner.Exists("prometheus-alertmanager"))
            Skip = "needs prometheus and prometheus-alertmanager: apt-get install prometheus prometheus-alertmanager.";
    }
}
