using Rollout.Monitor.Cli;
using Rollout.Topology.Loading;

namespace Rollout.Monitor.Tests.Units;

/// <summary>Bad input is refused with exit code 3 and a message naming what to fix, before anything is probed.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rollout-monitor-cli-").FullName;
    private readonly string _estate = EstateLoader.Locate(AppContext.BaseDirectory);

    [Fact]
    public async Task An_unknown_environment_is_invalid_input()
    {
        var (exit, error) = await RunAsync("once", "--env", "qa", "--estate", _estate, "--state-dir", _directory);

        Assert.Equal(MonitorCli.InvalidInput, exit);
        Assert.Contains("Environment 'qa' is not defined", error);
    }

    [Theory]
    [InlineData("--listen", "localhost", "--listen: expected an IPv4 address and port")]
    [InlineData("--listen", "127.0.0.1:70000", "--listen: expected an IPv4 address and port")]
    [InlineData("--interval", "00:00:00", "must be between")]
    [InlineData("--timeout", "soon", "soon")]
    public async Task Bad_options_are_invalid_input(string option, string value, string expected)
    {
        var (exit, error) = await RunAsync("run", option, value, "--estate", _estate, "--state-dir", _directory);

        Assert.Equal(MonitorCli.InvalidInput, exit);
        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task An_alert_with_an_unknown_metric_in_the_estate_is_invalid_input_with_line_and_column()
    {
        var broken = Path.Combine(_directory, "rollout.yaml");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(_estate)).Replace("metric: slow_queries_per_minute", "metric: slow_queries", StringComparison.Ordinal));

        var (exit, error) = await RunAsync("once", "--estate", broken, "--state-dir", _directory);

        Assert.Equal(MonitorCli.InvalidInput, exit);
        Assert.Matches(@"rollout\.yaml:\d+:\d+: alerts\[5\]\.metric: unknown metric 'slow_queries'", error);
    }

    [Fact]
    public async Task A_local_estate_that_is_not_running_is_invalid_input_naming_how_to_start_it()
    {
        var (exit, error) = await RunAsync("once", "--estate", _estate, "--state-dir", _directory);

        Assert.Equal(MonitorCli.InvalidInput, exit);
        Assert.Contains("resources.json", error);
    }

    private static async Task<(int Exit, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await MonitorCli.RunAsync(args, output, error, CancellationToken.None);
        return (exit, error.ToString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
