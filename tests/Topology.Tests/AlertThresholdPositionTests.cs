using static Rollout.Topology.Tests.EstateFile;

namespace Rollout.Topology.Tests;

/// <summary>A bad alert threshold is reported at the line and column of the value to fix (issue 11).</summary>
public sealed class AlertThresholdPositionTests
{
    [Theory]
    [InlineData("metric: slow_queries_per_minute, op: \">\", threshold: 100,  for: 15m", "metric: slow_queries,            op: \">\", threshold: 100,  for: 15m",
        "alerts[5].metric", "slow_queries,")]
    [InlineData("threshold: 100,  for: 15m", "threshold: 100,  for: 15 minutes", "alerts[5].for", "15 minutes")]
    [InlineData("threshold: 80,   for: 30m", "threshold: 80,   for: -30m", "alerts[4].for", "-30m")]
    public void The_error_points_at_the_bad_value(string find, string replace, string path, string value)
    {
        var yaml = With(find, replace);

        var error = SingleError(yaml, path, "");

        var line = LineOf(yaml, replace);
        var lineText = yaml.Split('\n')[line - 1];
        Assert.Equal(line, error.Line);
        Assert.Equal(lineText.IndexOf(value, StringComparison.Ordinal) + 1, error.Column);
    }
}
