using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Monitoring;

/// <summary>
/// promtool unit tests for the generated rules: for every alert, one test whose input makes the metric cross the
/// threshold (the alert fires, with its labels and annotations) and one that stays on the safe side (no alert).
/// Run by <c>promtool test rules</c> next to <see cref="AlertRules.FileName"/>.
/// </summary>
public static class AlertRuleTests
{
    public const string FileName = "rollout-alerts.tests.yml";

    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    public static string Render(Estate estate)
    {
        var text = new TextBuilder()
            .Line("# " + GeneratedFile.GeneratedBy)
            .Line($"rule_files: [{AlertRules.Quote(AlertRules.FileName)}]")
            .Line("evaluation_interval: 1m")
            .Line("tests:");
        foreach (var alert in AlertRules.From(estate))
        {
            Test(text, alert, Firing(alert.Rule), fires: true);
            Test(text, alert, Quiet(alert.Rule, alert.Metric.Max), fires: false);
        }
        return text.ToString();
    }

    private static void Test(TextBuilder text, PrometheusAlert alert, double value, bool fires)
    {
        // Evaluated once the expression's window is full and the alert's `for` has passed.
        var evalAt = alert.Metric.Window + alert.Rule.For + Margin;
        var samples = (int)evalAt.TotalMinutes + 5;
        text.Line($"  - name: {AlertRules.Quote($"{alert.Name} {(fires ? "fires" : "stays quiet")} at {alert.Rule.Metric} = {MetricCatalog.Number(value)}")}")
            .Line("    interval: 1m")
            .Line("    input_series:");
        foreach (var series in alert.Metric.Feed(value, samples))
            text.Line($"      - series: {AlertRules.Quote(series.Series)}")
                .Line($"        values: {AlertRules.Quote(series.Values)}");
        text.Line("    alert_rule_test:")
            .Line($"      - eval_time: {(int)evalAt.TotalMinutes}m")
            .Line($"        alertname: {AlertRules.Quote(alert.Name)}");
        if (!fires)
        {
            text.Line("        exp_alerts: []");
            return;
        }
        text.Line("        exp_alerts:");
        foreach (var subject in alert.Metric.Subjects)
        {
            text.Line("          - exp_labels:")
                .Line($"              severity: {alert.Severity}");
            foreach (var (key, labelValue) in subject)
                text.Line($"              {key}: {AlertRules.Quote(labelValue)}");
            text.Line("            exp_annotations:")
                .Line($"              summary: {AlertRules.Quote(alert.Summary)}")
                .Line($"              description: {AlertRules.Quote(alert.Description)}");
        }
    }

    /// <summary>A value clearly past the threshold in the direction the comparison alerts on.</summary>
    public static double Firing(AlertRule rule) => rule.Operator switch
    {
        "<" or "<=" => rule.Threshold / 2,
        ">" or ">=" => rule.Threshold == 0 ? 1 : rule.Threshold * 2,
        "==" => rule.Threshold,
        _ => rule.Threshold + 1,
    };

    /// <summary>A value clearly on the safe side.</summary>
    public static double Quiet(AlertRule rule, double max) => rule.Operator switch
    {
        "<" => Math.Min(rule.Threshold == 0 ? 1 : rule.Threshold * 2, max),
        "<=" => rule.Threshold == 0 ? 1 : rule.Threshold * 2,
        ">" or ">=" => rule.Threshold / 2,
        "==" => rule.Threshold == 0 ? 1 : 0,
        _ => rule.Threshold,
    };
}
