using System.Text.RegularExpressions;
using Rollout.AppHost.Publishing.Monitoring;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Tests.Publishing.Monitoring;

/// <summary>The generated alert rules, checked and unit-tested by the real promtool (Debian's prometheus package).</summary>
public sealed class AlertRuleGenerationTests : IDisposable
{
    private const string Install = "apt-get install prometheus";
    private readonly string _directory = Directory.CreateTempSubdirectory("rollout-rules-").FullName;

    private static Estate Estate => PublishedEstate.Estate;

    [ToolFact("promtool", Install)]
    public async Task Promtool_accepts_the_rules_and_every_rule_test_passes()
    {
        Write(AlertRules.Render(Estate), AlertRuleTestsFile(Estate));

        var check = await ProcessRunner.RunAsync("promtool", ["check", "rules", AlertRules.FileName], workingDirectory: _directory);
        Assert.True(check.ExitCode == 0, check.All);
        // The estate's alerts plus the monitoring's own MonitoringTargetDown.
        Assert.Contains($"SUCCESS: {Estate.Alerts.Count + 1} rules found", check.All);

        var test = await ProcessRunner.RunAsync("promtool", ["test", "rules", AlertRuleTests.FileName], workingDirectory: _directory);
        Assert.True(test.ExitCode == 0, test.All);
        Assert.Contains("SUCCESS", test.All);
    }

    [Fact]
    public void Every_alert_of_the_estate_has_a_firing_and_a_quiet_test()
    {
        var tests = AlertRuleTestsFile(Estate);
        foreach (var rule in Estate.Alerts.Append(AlertRules.TargetDown.Rule))
        {
            Assert.Single(Regex.Matches(tests, $"name: \"{rule.Name} fires at "));
            Assert.Single(Regex.Matches(tests, $"name: \"{rule.Name} stays quiet at "));
        }
        Assert.Equal(2 * (Estate.Alerts.Count + 1), Regex.Matches(tests, "alert_rule_test:").Count);
    }

    [Fact]
    public void Rules_carry_the_estates_thresholds_durations_and_severities()
    {
        var rules = AlertRules.Render(Estate);
        Assert.Contains("- alert: \"ConnectionFailure\"\n        expr: \"(min by (server, database) (rollout_database_up)) < 1\"\n        for: 0s\n        labels:\n          severity: critical", rules);
        Assert.Contains("- alert: \"DiskSpaceLow\"", rules);
        Assert.Matches("alert: \"DiskSpaceLow\"\n.*\\) < 20\"\n        for: 1h\n.*\n          severity: warning", rules);
        Assert.Matches("alert: \"ConnectionPoolHigh\"\n.*\\) > 80\"\n        for: 30m\n", rules);
        Assert.Matches("alert: \"SlowQueries\"\n.*\\) > 100\"\n        for: 15m\n", rules);
        Assert.Matches("alert: \"FailedLogins\"\n.*\\) > 10\"\n        for: 1h\n.*\n          severity: info", rules);
    }

    /// <summary>The unit tests are not a formality: rules with another threshold than the tests were written for fail them.</summary>
    [ToolFact("promtool", Install)]
    public async Task A_rule_whose_threshold_drifted_fails_its_unit_test()
    {
        var drifted = Estate with
        {
            Alerts = Estate.Alerts.Select(a => a.Name == "DiskSpaceCritical" ? a with { Threshold = 2 } : a).ToList(),
        };
        Write(AlertRules.Render(drifted), AlertRuleTestsFile(Estate));

        var test = await ProcessRunner.RunAsync("promtool", ["test", "rules", AlertRuleTests.FileName], workingDirectory: _directory);

        Assert.NotEqual(0, test.ExitCode);
        Assert.Contains("DiskSpaceCritical", test.All);
        Assert.Contains("FAILED", test.All);
    }

    [ToolFact("promtool", Install)]
    public async Task A_rule_with_a_broken_expression_is_refused_by_promtool_check()
    {
        Write(AlertRules.Render(Estate).Replace("rollout_database_up)", "rollout_database_up", StringComparison.Ordinal), "");

        var check = await ProcessRunner.RunAsync("promtool", ["check", "rules", AlertRules.FileName], workingDirectory: _directory);

        Assert.NotEqual(0, check.ExitCode);
        Assert.Contains("ConnectionFailure", check.All);
    }

    private static string AlertRuleTestsFile(Estate estate) => AlertRuleTests.Render(estate);

    private void Write(string rules, string tests)
    {
        File.WriteAllText(Path.Combine(_directory, AlertRules.FileName), rules);
        File.WriteAllText(Path.Combine(_directory, AlertRuleTests.FileName), tests);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
