using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Monitoring;

/// <summary>
/// Grafana's provisioning files: Prometheus as the data source, the dashboards folder as a file provider, and the
/// environment that makes PostgreSQL's mo_grafana (through svc_grafana, over verified TLS) Grafana's own database.
/// The password is never written: Grafana reads it from the file GF_DATABASE_PASSWORD__FILE names.
/// </summary>
public static class GrafanaProvisioning
{
    public const string DataSourceUid = "rollout-prometheus";
    public const string DataSourcesFile = "grafana/provisioning/datasources/rollout.yml";
    public const string DashboardProviderFile = "grafana/provisioning/dashboards/rollout.yml";
    public const string EnvironmentFile = "grafana/grafana.env";
    public const string GrafanaDatabase = "mo_grafana";
    public const string DashboardsPath = "/var/lib/grafana/dashboards/rollout";
    public const string PasswordFile = "/etc/grafana/secrets/pg-grafana-db-pass";

    public static string DataSources(string prometheusUrl, MonitoringTimings timings) => new TextBuilder()
        .Line("# " + GeneratedFile.GeneratedBy)
        .Line("apiVersion: 1")
        .Line("datasources:")
        .Line("  - name: Prometheus")
        .Line("    type: prometheus")
        .Line("    access: proxy")
        .Line($"    uid: {DataSourceUid}")
        .Line($"    url: {AlertRules.Quote(prometheusUrl)}")
        .Line("    isDefault: true")
        .Line("    editable: false")
        .Line("    jsonData:")
        .Line($"      timeInterval: {AlertRules.Duration(timings.ScrapeInterval)}")
        .ToString();

    public static string DashboardProvider() => new TextBuilder()
        .Line("# " + GeneratedFile.GeneratedBy)
        .Line("apiVersion: 1")
        .Line("providers:")
        .Line("  - name: rollout")
        .Line("    orgId: 1")
        .Line("    folder: Rollout")
        .Line("    type: file")
        .Line("    disableDeletion: true")
        .Line("    updateIntervalSeconds: 60")
        .Line("    allowUiUpdates: false")
        .Line("    options:")
        .Line($"      path: {DashboardsPath}")
        .Line("      foldersFromFilesStructure: false")
        .ToString();

    /// <summary>GF_DATABASE_* for Grafana's service (systemd EnvironmentFile or compose env_file).</summary>
    public static string Environment(PublishTarget target, Func<string, string?> variables)
    {
        var database = target.Estate.Database(GrafanaDatabase);
        var server = target.Estate.Server(database.ServerName);
        var endpoint = target.Environment.Servers.GetValueOrDefault(server.Name);
        var host = endpoint?.Host.Resolve(variables) is { Length: > 0 } h ? h : HostValue.PlaceholderPrefix + (endpoint?.Host.VariableName ?? "PG_HOST");
        var caFile = endpoint?.CaFile?.Resolve(variables) is { Length: > 0 } ca ? ca : "/etc/grafana/secrets/pg-root.crt";
        return new TextBuilder()
            .Line("# " + GeneratedFile.GeneratedBy)
            .Line($"# Grafana's own database: {database.Name} on {server.Name} as {database.User}, TLS verified against the estate's CA.")
            .Line($"# Put the password ({database.PasswordSecretName}) into {PasswordFile} (mode 0400, owner grafana); it is never written here.")
            .Line("GF_DATABASE_TYPE=postgres")
            .Line($"GF_DATABASE_HOST={host}:{target.ServerPorts[server.Name]}")
            .Line($"GF_DATABASE_NAME={database.Name}")
            .Line($"GF_DATABASE_USER={database.User}")
            .Line($"GF_DATABASE_PASSWORD__FILE={PasswordFile}")
            .Line("GF_DATABASE_SSL_MODE=verify-full")
            .Line($"GF_DATABASE_CA_CERT_PATH={caFile}")
            .Line("GF_SERVER_HTTP_ADDR=127.0.0.1")
            .Line("GF_ANALYTICS_REPORTING_ENABLED=false")
            .ToString();
    }

    public static bool HasGrafanaDatabase(PublishTarget target) => target.Databases.Any(d => d.Name == GrafanaDatabase && target.Estate.Server(d.ServerName).Engine == Engine.PostgreSql);
}
