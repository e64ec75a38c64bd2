namespace Rollout.AppHost.Publishing.Monitoring;

/// <summary>
/// The production side of monitoring under <c>monitoring/</c>: Prometheus (configuration, rules and their unit
/// tests), Alertmanager (webhook to n8n), the n8n workflow, Grafana's provisioning and dashboard.
/// </summary>
public static class MonitoringWriter
{
    public const string Directory = "monitoring";
    public const string PrometheusUrl = "http://127.0.0.1:9090";

    public static IReadOnlyList<GeneratedFile> Render(PublishTarget target, Func<string, string?> variables)
    {
        var estate = target.Estate;
        var timings = MonitoringTimings.Production;
        var layout = MonitoringLayout.Production(target, variables);
        var files = new List<GeneratedFile>
        {
            new($"{Directory}/prometheus/{PrometheusConfig.FileName}", PrometheusConfig.Render(estate, layout, timings, AlertRules.FileName)),
            new($"{Directory}/prometheus/{AlertRules.FileName}", AlertRules.Render(estate)),
            new($"{Directory}/prometheus/{AlertRuleTests.FileName}", AlertRuleTests.Render(estate)),
            new($"{Directory}/alertmanager/{AlertmanagerConfig.FileName}", AlertmanagerConfig.Render(layout, timings)),
            new($"{Directory}/{N8nWorkflow.FileName}", N8nWorkflow.Render(estate)),
            new($"{Directory}/{GrafanaProvisioning.DataSourcesFile}", GrafanaProvisioning.DataSources(PrometheusUrl, timings)),
            new($"{Directory}/{GrafanaProvisioning.DashboardProviderFile}", GrafanaProvisioning.DashboardProvider()),
            new($"{Directory}/{GrafanaDashboard.FileName}", GrafanaDashboard.Render(estate)),
        };
        if (GrafanaProvisioning.HasGrafanaDatabase(target))
            files.Add(new($"{Directory}/{GrafanaProvisioning.EnvironmentFile}", GrafanaProvisioning.Environment(target, variables)));
        return files;
    }
}
