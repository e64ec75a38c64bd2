using System.Xml.Linq;
using Rollout.SmokeRunner.Tests.Fixtures;

namespace Rollout.SmokeRunner.Tests;

[Collection(ProvisionedEstateCollection.Name)]
public class GreenRunTests(ProvisionedEstateFixture estate)
{
    /// <summary>
    /// The run, repeated (at most three more times, 5 s apart) only when nothing but latency failed: the test machine is
    /// shared, and a busy moment there is not what this test is about. Any other failure is final.
    /// </summary>
    private async Task<SmokeRunOutput> RunGreenAsync(params string[] arguments)
    {
        for (var attempt = 1; ; attempt++)
        {
            var run = await estate.RunSmokeAsync(arguments);
            // The live progress lines (stdout, or stderr with --output json) name every failed check.
            var failures = run.All.Split('\n').Where(l => l.TrimStart().StartsWith("FAIL ", StringComparison.Ordinal)).ToList();
            var onlyLatency = failures.Count > 0 && failures.All(l => l.Contains("FAIL latency:", StringComparison.Ordinal));
            if (run.ExitCode == 0 || !onlyLatency || attempt == 4) return run;
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task A_correctly_provisioned_estate_passes_every_check_beyond_latency_with_the_full_matrix()
    {
        var run = await estate.RunSmokeAsync("--output", "json", "--parallelism", "4");
        var report = new SmokeJson(run.Output);

        Assert.True(!report.FailedBeyondLatency.Any(), string.Join("\n", report.FailedBeyondLatency.Select(f => $"{f.Kind} {f.Name} {f.Target}: {f.Detail}")));
        var byKind = report.Checks.GroupBy(c => c.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(17, byKind["connectivity"]);
        Assert.Equal(17, byKind["latency"]);
        Assert.Equal(2 * 17, byKind["tls"]);
        Assert.Equal(17 + 17, byKind["isolation"]);
        Assert.Equal(6 + 6 + 5, byKind["baseline"]);
        // The full matrix: 5×(4+mysql) + 9×(8+mysql) + 3×(2+postgres+template1) refusals, the diagonal own.
        Assert.Equal(25 + 81 + 12, report.Cells.Count(c => c.State == "refused"));
        Assert.Equal(17, report.Cells.Count(c => c.State == "own"));
        Assert.Equal("refused", report.Cell("external-postgres", "svc_idp", "postgres"));
        Assert.Contains("TLSv1.", report.Single("tls", "session encrypted", "mo_crm").Detail);
        Assert.Matches(@"connect \d+\.\d ms \(median of 3\); SELECT 1 p50 [\d.]+ / p95 [\d.]+ / max [\d.]+ ms \(n=20, threshold 100 ms\)",
            report.Single("latency", "connect + SELECT 1", "mo_idp").Detail);
    }

    /// <summary>
    /// The whole verdict, latency included: exit 0. Sensitive to the machine by nature: with the two
    /// cores shared by many busy processes (load average above ~15) PostgreSQL logins take 120–250 ms
    /// and the latency check rightly fails; the run is then repeated up to three times.
    /// </summary>
    [Fact]
    public async Task A_correctly_provisioned_estate_exits_0_when_the_machine_is_not_overloaded()
    {
        var run = await RunGreenAsync("--output", "json");
        var report = new SmokeJson(run.Output);

        Assert.True(run.ExitCode == 0, $"load {File.ReadAllText("/proc/loadavg").Trim()}: " +
            string.Join("\n", report.Failed.Select(f => $"{f.Kind} {f.Name} {f.Target}: {f.Detail}")));
        Assert.Equal("passed", report.Verdict);
    }

    [Fact]
    public async Task The_table_view_shows_progress_summary_matrix_and_verdict_without_secrets()
    {
        var junit = Path.Combine(Path.GetTempPath(), $"smoke-{Guid.NewGuid():N}.xml");
        try
        {
            var run = await RunGreenAsync("--junit", junit);

            Assert.Contains("PASS connectivity: login and SELECT 1 mo_crm", run.Output);
            Assert.Contains("Isolation matrix — external-mariadb", run.Output);
            var verdict = System.Text.RegularExpressions.Regex.Match(run.Output, @"(PASSED|FAILED): (\d+) passed, (\d+) failed, 0 skipped");
            Assert.True(verdict.Success, run.Output);
            Assert.Equal(run.ExitCode == 0 ? "PASSED" : "FAILED", verdict.Groups[1].Value);
            foreach (var secret in await estate.SecretValuesAsync())
                Assert.DoesNotContain(secret, run.All + await File.ReadAllTextAsync(junit));
            var suites = XDocument.Load(junit).Root!;
            Assert.Equal(verdict.Groups[3].Value, suites.Attribute("failures")!.Value);
            Assert.Equal(int.Parse(verdict.Groups[2].Value) + int.Parse(verdict.Groups[3].Value), int.Parse(suites.Attribute("tests")!.Value));
            Assert.Equal(["connectivity", "latency", "tls", "isolation", "baseline"], suites.Elements("testsuite").Select(s => s.Attribute("name")!.Value));
        }
        finally
        {
            File.Delete(junit);
        }
    }

    [Fact]
    public async Task Run_by_the_AppHost_it_needs_no_arguments_beyond_its_environment_variables()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Environment.SetEnvironmentVariable(Cli.SmokeCli.StateDirectoryVariable, estate.StateDirectory);
        Environment.SetEnvironmentVariable(Cli.SmokeCli.EnvironmentVariable, "local");
        try
        {
            await Cli.SmokeCli.RunAsync(["--estate", estate.EstatePath, "--output", "json"], output, error, CancellationToken.None);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Cli.SmokeCli.StateDirectoryVariable, null);
            Environment.SetEnvironmentVariable(Cli.SmokeCli.EnvironmentVariable, null);
        }

        var report = new SmokeJson(output.ToString());
        Assert.Empty(report.FailedBeyondLatency);
        Assert.Equal(17, report.Checks.Count(c => c.Kind == "connectivity" && c.Result == "passed"));
    }
}
