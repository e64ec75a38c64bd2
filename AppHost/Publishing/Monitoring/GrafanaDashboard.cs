using System.Text.Json;
using System.Text.Json.Nodes;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Monitoring;

/// <summary>One panel of the estate dashboard: a title, its PromQL and the unit Grafana shows.</summary>
public sealed record DashboardPanel(string Title, string Expression, string Legend, string Unit, string Type = "timeseries");

/// <summary>
/// The estate dashboard (Grafana JSON model): availability, latency, connections, slow queries, sizes, TLS ratio,
/// failed logins, backup age and certificate expiry, reading the probe's and the exporters' series.
/// </summary>
public static class GrafanaDashboard
{
    public const string FileName = "grafana/dashboards/rollout-estate.json";
    public const string Uid = "rollout-estate";

    public static IReadOnlyList<DashboardPanel> Panels { get; } =
    [
        new("Availability (service user login + SELECT 1)", "min by (database) (rollout_database_up)", "{{database}}", "bool_yes_no", "state-timeline"),
        new("Latency: login + SELECT 1", "max by (database) (rollout_database_select_seconds)", "{{database}}", "s"),
        new("Connections in use (% of max_connections)",
            "max by (server) (mysql_global_status_threads_connected / mysql_global_variables_max_connections * 100) or max by (server) (sum by (server) (pg_stat_activity_count) / min by (server) (pg_settings_max_connections) * 100)",
            "{{server}}", "percent"),
        new("Slow queries per minute", "max by (server) (rate(mysql_global_status_slow_queries[5m]) * 60)", "{{server}}", "short"),
        new("Database sizes", "max by (datname) (pg_database_size_bytes) or sum by (schema) (mysql_info_schema_table_size)", "{{datname}}{{schema}}", "bytes"),
        new("Disk free", MetricCatalog.Of("disk_free_percent").Expression, "{{instance}} {{mountpoint}}", "percent"),
        new("TLS connection ratio", "min by (server) (rollout_tls_connection_ratio)", "{{server}}", "percentunit"),
        new("Failed logins per hour", "max by (server) (increase(rollout_failed_logins_total[1h]))", "{{server}}", "short"),
        new("Age of the newest good backup", "max by (database, tier) (rollout_backup_age_seconds)", "{{database}} {{tier}}", "s"),
        new("Server certificate expires in", "min by (server) (rollout_server_certificate_expiry_timestamp_seconds - time())", "{{server}}", "s"),
    ];

    public static string Render(Estate estate)
    {
        var panels = new JsonArray();
        for (var i = 0; i < Panels.Count; i++)
        {
            var panel = Panels[i];
            panels.Add(new JsonObject
            {
                ["id"] = i + 1,
                ["type"] = panel.Type,
                ["title"] = panel.Title,
                ["datasource"] = DataSource(),
                ["gridPos"] = new JsonObject { ["x"] = i % 2 * 12, ["y"] = i / 2 * 8, ["w"] = 12, ["h"] = 8 },
                ["fieldConfig"] = new JsonObject { ["defaults"] = new JsonObject { ["unit"] = panel.Unit }, ["overrides"] = new JsonArray() },
                ["targets"] = new JsonArray(new JsonObject
                {
                    ["refId"] = "A",
                    ["datasource"] = DataSource(),
                    ["expr"] = panel.Expression,
                    ["legendFormat"] = panel.Legend,
                }),
            });
        }
        var dashboard = new JsonObject
        {
            ["uid"] = Uid,
            ["title"] = $"Rollout: {estate.Project} databases",
            ["description"] = GeneratedFile.GeneratedBy,
            ["tags"] = new JsonArray("rollout", "databases"),
            ["timezone"] = "utc",
            ["schemaVersion"] = 39,
            ["version"] = 1,
            ["editable"] = false,
            ["refresh"] = "30s",
            ["time"] = new JsonObject { ["from"] = "now-6h", ["to"] = "now" },
            ["panels"] = panels,
        };
        return dashboard.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject DataSource() => new() { ["type"] = "prometheus", ["uid"] = GrafanaProvisioning.DataSourceUid };
}
