using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Monitoring;

/// <summary>One alert of rollout.yaml as Prometheus evaluates it.</summary>
public sealed record PrometheusAlert(AlertRule Rule, MetricDefinition Metric)
{
    public string Name => Rule.Name;

    public string Severity => Rule.Severity.ToString().ToLowerInvariant();

    public string Condition => $"{Rule.Metric} {Rule.Operator} {MetricCatalog.Number(Rule.Threshold)}";

    public string Expression => $"({Metric.Expression}) {Rule.Operator} {MetricCatalog.Number(Rule.Threshold)}";

    public string For => AlertRules.Duration(Rule.For);

    public string Summary => $"{Name} ({Severity}): {Condition}";

    public string Description => Rule.For == TimeSpan.Zero
        ? $"{Condition} now (rollout.yaml alert {Name})."
        : $"{Condition} for {For} (rollout.yaml alert {Name}).";
}

/// <summary>Prometheus alerting rules generated from rollout.yaml's alerts: the thresholds exist in one place only.</summary>
public static class AlertRules
{
    public const string FileName = "rollout-alerts.rules.yml";

    public static string GroupName(Estate estate) => "rollout-" + estate.Project;

    public static IReadOnlyList<PrometheusAlert> From(Estate estate) =>
        estate.Alerts.Select(rule => new PrometheusAlert(rule, MetricCatalog.Of(rule.Metric))).ToList();

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
