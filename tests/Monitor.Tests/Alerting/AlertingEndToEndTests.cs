using Rollout.AppHost.Publishing.Monitoring;
using Rollout.Monitor.Tests.Fixtures;

namespace Rollout.Monitor.Tests.Alerting;

/// <summary>
/// Issue 11's "done when", through the AppHost: a PostgreSQL server stopped with Aspire's stop command and a service
/// password changed by hand reach the alert-receiver resource (via the probe, Prometheus and Alertmanager resources)
/// as the critical ConnectionFailure alert of exactly the affected databases, and their repair as the resolution.
/// </summary>
[Collection(MonitoredEstateCollection.Name)]
public sealed class AlertingEndToEndTests(MonitoredEstate estate)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_stopped_postgresql_server_alerts_critical_for_each_of_its_databases_and_resolves_when_it_is_back()
    {
        var received = await QuietStartAsync();
        var affected = estate.Binding.DatabasesOn("external-postgres").Select(d => d.Name).ToHashSet();

        await estate.StopServerAsync("external-postgres");
        try
        {
            await received.WaitForAsync(alerts => affected.All(d => Firing(alerts, d)), Window, "ConnectionFailure for every PostgreSQL database");
        }
        finally
        {
            // Aspire's start command, as the dashboard's Start button.
            await estate.StartServerAsync("external-postgres");
        }
        var payload = received.Received.First(p => p.Status == "firing");
        Assert.Equal("4", payload.Version);
        Assert.Equal(AlertmanagerConfig.ReceiverName, payload.Receiver);
        Assert.All(received.Alerts.Where(a => a.Status == "firing"), alert =>
        {
            Assert.Equal("ConnectionFailure", alert.Labels["alertname"]);
            Assert.Equal("critical", alert.Labels["severity"]);
            Assert.Equal("external-postgres", alert.Labels["server"]);
            Assert.Contains(alert.Labels["database"], affected);
            Assert.Equal("ConnectionFailure (critical): connection_success < 1", alert.Annotations["summary"]);
        });

        await received.WaitForAsync(alerts => affected.All(d => Resolved(alerts, d)), Window, "the resolution for every PostgreSQL database");
    }

    [Fact]
    public async Task A_service_password_changed_by_hand_alerts_for_that_database_only_and_resolves_when_repaired()
    {
        var received = await QuietStartAsync();
        var stored = (await estate.Secrets.GetAsync("PG_IDP_DB_PASS", default))!;

        await estate.AdminAsync("external-postgres", "ALTER ROLE svc_idp PASSWORD 'changed-by-hand-Zr4'");
        try
        {
            await received.WaitForAsync(alerts => Firing(alerts, "mo_idp"), Window, "ConnectionFailure for mo_idp");
        }
        finally
        {
            await estate.AdminAsync("external-postgres", $"ALTER ROLE svc_idp PASSWORD '{stored.Reveal().Replace("'", "''", StringComparison.Ordinal)}'");
        }
        await received.WaitForAsync(alerts => Resolved(alerts, "mo_idp"), Window, "the resolution for mo_idp");

        Assert.All(received.Alerts, alert => Assert.Equal("mo_idp", alert.Labels["database"]));
        Assert.All(received.Alerts, alert => Assert.Equal("ConnectionFailure", alert.Labels["alertname"]));
    }

    /// <summary>Prometheus sees every database up, and nothing was recorded since: the alerting path is live and quiet.</summary>
    private async Task<RecordedAlerts> QuietStartAsync()
    {
        await PrometheusQueries.WaitForAsync(estate.PrometheusUrl, "count(rollout_database_up == 1)", $"\"{estate.Binding.Databases.Count}\"", Window);
        var received = estate.ReceivedAlerts.FromNow();
        Assert.Empty(received.Alerts);
        return received;
    }

    private static bool Firing(IReadOnlyList<WebhookAlert> alerts, string database) =>
        alerts.Any(a => a.Status == "firing" && a.Labels.GetValueOrDefault("alertname") == "ConnectionFailure" && a.Labels.GetValueOrDefault("database") == database);

    private static bool Resolved(IReadOnlyList<WebhookAlert> alerts, string database) =>
        alerts.Any(a => a.Status == "resolved" && a.Labels.GetValueOrDefault("alertname") == "ConnectionFailure" && a.Labels.GetValueOrDefault("database") == database);
}
