using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Monitoring;

/// <summary>One alert of rollout.yaml (or of the monitoring itself) as Prometheus evaluates it.</summary>
public sealed record PrometheusAlert(AlertRule Rule, MetricDefinition Metric, bool FromEstate = true)
{
    public string Name => Rule.Name;

    public string Severity => Rule.Severity.ToString().ToLowerInvariant();

    public string Condition => $"{Rule.Metric} {Rule.Operator} {MetricCatalog.Number(Rule.Threshold)}";

    public string Expression => $"({Metric.Expression}) {Rule.Operator} {MetricCatalog.Number(Rule.Threshold)}";

    public string For => AlertRules.Duration(Rule.For);

    public string Summary => $"{Name} ({Severity}): {Condition}";

    public string Description => !FromEstate
        ? $"{Condition} for {For}: a scrape target is down or its exporter cannot log in to its server (monitoring's own rule)."
        : Rule.For == TimeSpan.Zero
            ? $"{Condition} now (rollout.yaml alert {Name})."
            : $"{Condition} for {For} (rollout.yaml alert {Name}).";
}

/// <summary>Prometheus alerting rules generated from rollout.yaml's alerts: the thresholds exist in one place only.</summary>
public static class AlertRules
{
    public const string FileName = "rollout-alerts.rules.yml";

    public static string GroupName(Estate estate) => "rollout-" + estate.Project;

    /// <summary>
    /// Monitoring watches itself: an exporter that cannot log in (or a target that cannot be scraped) alerts, but never
    /// stops anything. Not a threshold of the plan, so not in rollout.yaml.
    /// </summary>
    public static PrometheusAlert TargetDown { get; } = new(
        new AlertRule("MonitoringTargetDown", AlertSeverity.Warning, MetricCatalog.MonitoringTargetUp, "<", 1, TimeSpan.FromMinutes(5)),
        MetricCatalog.Of(MetricCatalog.MonitoringTargetUp), FromEstate: false);

    public static IReadOnlyList<PrometheusAlert> From(Estate estate) =>
        [.. estate.Alerts.Select(rule => new PrometheusAlert(rule, MetricCatalog.Of(rule.Metric))), TargetDown];

    public static string Render(Estate estate)
    {
        var text = new TextBuilder()
            .Line("# " + GeneratedFile.GeneratedBy)
            .Line("groups:")
            .Line($"  - name: {Quote(GroupName(estate))}")
            .Line("    rules:");
        foreach (var alert in From(estate))
        {
            text.Line($"      - alert: {Quote(alert.Name)}")
                .Line($"        expr: {Quote(alert.Expression)}")
                .Line($"        for: {alert.For}")
                .Line("        labels:")
                .Line($"          severity: {alert.Severity}")
                .Line("        annotations:")
                .Line($"          summary: {Quote(alert.Summary)}")
                .Line($"          description: {Quote(alert.Description)}");
        }
        return text.ToString();
    }

    /// <summary>Prometheus' duration notation, largest unit that divides exactly (1h, 30m, 0s).</summary>
    public static string Duration(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        if (seconds == 0) return "0s";
        if (seconds % 86_400 == 0) return (seconds / 86_400).ToString(CultureInfo.InvariantCulture) + "d";
        if (seconds % 3600 == 0) return (seconds / 3600).ToString(CultureInfo.InvariantCulture) + "h";
        if (seconds % 60 == 0) return (seconds / 60).ToString(CultureInfo.InvariantCulture) + "m";
        return seconds.ToString(CultureInfo.InvariantCulture) + "s";
    }

    /// <summary>A YAML double-quoted scalar (JSON's string syntax is valid YAML).</summary>
    public static string Quote(string value) => JsonSerializer.Serialize(value, QuoteOptions);

    /// <summary>Comparison signs stay readable (the default encoder would write \u003C for '&lt;').</summary>
    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
