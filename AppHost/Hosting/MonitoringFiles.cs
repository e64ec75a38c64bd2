using Rollout.AppHost.Publishing.Monitoring;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// The local stack's files under &lt;state dir&gt;/monitoring: prometheus/ (configuration and rules, rewritten at each
/// start from rollout.yaml), alertmanager/, data/ (Prometheus' TSDB and Alertmanager's state, kept across runs,
/// removed by --fresh) and received-alerts.jsonl (what the receiver recorded).
/// </summary>
public sealed class MonitoringFiles(string stateDirectory)
{
    public string Directory { get; } = Path.Combine(Path.GetFullPath(stateDirectory), "monitoring");

    public string PrometheusConfig => Path.Combine(Directory, "prometheus", Publishing.Monitoring.PrometheusConfig.FileName);

    public string Rules => Path.Combine(Directory, "prometheus", AlertRules.FileName);

    public string AlertmanagerConfig => Path.Combine(Directory, "alertmanager", Publishing.Monitoring.AlertmanagerConfig.FileName);

    public string DataRoot => Path.Combine(Directory, "data");

    public string PrometheusData => Path.Combine(DataRoot, "prometheus");

    public string AlertmanagerData => Path.Combine(DataRoot, "alertmanager");

    /// <summary>JSON Lines: each Alertmanager webhook payload the receiver got, as sent.</summary>
    public string ReceivedAlerts => Path.Combine(Directory, "received-alerts.jsonl");

    /// <summary>Writes the configurations (after the estate's own preparation, which may have cleared the state directory).</summary>
    public async Task WriteAsync(Estate estate, MonitoringLayout layout, MonitoringTimings timings, bool fresh, CancellationToken cancellationToken)
    {
        if (fresh && System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        foreach (var directory in new[] { Path.GetDirectoryName(PrometheusConfig)!, Path.GetDirectoryName(AlertmanagerConfig)!, PrometheusData, AlertmanagerData })
            System.IO.Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Rules, AlertRules.Render(estate), cancellationToken);
        await File.WriteAllTextAsync(PrometheusConfig, Publishing.Monitoring.PrometheusConfig.Render(estate, layout, timings, AlertRules.FileName), cancellationToken);
        await File.WriteAllTextAsync(AlertmanagerConfig, Publishing.Monitoring.AlertmanagerConfig.Render(layout, timings), cancellationToken);
    }
}
