using System.Globalization;
using System.Text.RegularExpressions;
using Rollout.Topology.Model;
using YamlDotNet.RepresentationModel;

namespace Rollout.Topology.Loading;

/// <summary>Reads the alert rules (plan phase 7): metric, comparison, threshold and how long it must hold.</summary>
internal static partial class AlertReader
{
    /// <summary>The metrics the monitoring side knows, with the range a threshold may take.</summary>
    public static readonly IReadOnlyDictionary<string, (double Min, double Max)> Metrics = new Dictionary<string, (double, double)>
    {
        ["connection_success"] = (0, 1),
        ["disk_free_percent"] = (0, 100),
        ["response_time_ms"] = (0, 3_600_000),
        ["connection_pool_percent"] = (0, 100),
        ["slow_queries_per_minute"] = (0, 1_000_000),
        ["backup_completed"] = (0, 1),
        ["failed_logins_per_hour"] = (0, 1_000_000),
        ["tls_connection_ratio"] = (0, 1),
    };

    private static readonly string[] Operators = ["<", "<=", ">", ">=", "==", "!="];

    [GeneratedRegex(@"^(?<n>[0-9]{1,6})(?<u>s|m|h|d)$")]
    private static partial Regex DurationPattern();

    public static IReadOnlyList<AlertRule> Read(YamlNode? node, string path, LoadContext context)
    {
        var rules = new List<AlertRule>();
        if (node is null)
        {
            context.Error(path, "is required: add 'alerts:' with the plan's alert rules.");
            return rules;
        }
        if (node is not YamlSequenceNode sequence)
        {
            context.Error(node.Start, path, "expected a list of alert rules (- { name: …, severity: …, metric: …, op: …, threshold: …, for: … }).");
            return rules;
        }
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var map = YamlMap.Of(sequence.Children[i], $"{path}[{i}]", context);
            if (map is null) continue;
            var name = map.String("name", required: true) ?? "";
            var severityText = map.String("severity", required: true, "critical, warning or info");
            var severity = severityText switch
            {
                "critical" => AlertSeverity.Critical,
                "warning" => AlertSeverity.Warning,
                "info" => AlertSeverity.Info,
                null => AlertSeverity.Info,
                _ => Invalid(map, "severity", $"unknown severity '{severityText}'; allowed: critical, warning, info.", AlertSeverity.Info),
            };
            var metric = map.String("metric", required: true, "a metric name") ?? "";
            var op = map.String("op", required: true, "a comparison") ?? "";
            if (op.Length > 0 && !Operators.Contains(op))
                context.Error(map.Child("op"), $"unknown comparison '{op}'; allowed: {string.Join(" ", Operators)}.");
            var threshold = map.Number("threshold", required: true) ?? 0;
            var known = Metrics.TryGetValue(metric, out var range);
            if (metric.Length > 0 && !known)
                context.Error(map.Child("metric"), $"unknown metric '{metric}'; allowed: {string.Join(", ", Metrics.Keys)}.");
            else if (known && (threshold < range.Min || threshold > range.Max))
                context.Error(map.Child("threshold"), $"{threshold.ToString(CultureInfo.InvariantCulture)} is out of range for {metric}: allowed {range.Min.ToString(CultureInfo.InvariantCulture)} to {range.Max.ToString(CultureInfo.InvariantCulture)}.");
            var duration = Duration(map.String("for") ?? "0s", map.Child("for"), context);
            map.RejectUnknownKeys();
            rules.Add(new AlertRule(name, severity, metric, op, threshold, duration));
        }
        return rules;

        AlertSeverity Invalid(YamlMap map, string key, string message, AlertSeverity fallback)
        {
            context.Error(map.Child(key), message);
            return fallback;
        }
    }

    private static TimeSpan Duration(string text, string path, LoadContext context)
    {
        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            context.Error(path, $"'{text}' is not a duration: write a count and s, m, h or d (e.g. 0s, 15m, 1h).");
            return TimeSpan.Zero;
        }
        var n = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        return match.Groups["u"].Value switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }
}
