using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Monitoring;

/// <summary>prometheus.yml: the scrape jobs of the layout, the generated rules, Alertmanager.</summary>
public static class PrometheusConfig
{
    public const string FileName = "prometheus.yml";

    public static string Render(Estate estate, MonitoringLayout layout, MonitoringTimings timings, string rulesPath)
    {
        var text = new TextBuilder()
            .Line("# " + GeneratedFile.GeneratedBy)
            .Line("global:")
            .Line($"  scrape_interval: {AlertRules.Duration(timings.ScrapeInterval)}")
            .Line($"  evaluation_interval: {AlertRules.Duration(timings.EvaluationInterval)}")
            .Line("  external_labels:")
            .Line($"    project: {AlertRules.Quote(estate.Project)}")
            .Line("rule_files:")
            .Line($"  - {AlertRules.Quote(rulesPath)}")
            .Line("alerting:")
            .Line("  alertmanagers:")
            .Line("    - static_configs:")
            .Line($"        - targets: [{AlertRules.Quote(layout.AlertmanagerAddress)}]")
            .Line("scrape_configs:")
            .Line($"  - job_name: {MonitoringLayout.ProbeJob}")
            .Line("    static_configs:")
            .Line($"      - targets: [{AlertRules.Quote(layout.ProbeAddress)}]");
        foreach (var job in layout.Exporters.GroupBy(e => e.Job))
        {
            text.Line($"  - job_name: {job.Key}")
                .Line("    static_configs:");
            // The server label is what alerts and dashboards group by; the instance stays the exporter's address.
            foreach (var exporter in job)
                text.Line($"      - targets: [{AlertRules.Quote(exporter.Address)}]")
                    .Line($"        labels: {{ server: {AlertRules.Quote(exporter.Server)} }}");
        }
        return text.ToString();
    }
}
