using Rollout.SmokeRunner.Cli;

namespace Rollout.SmokeRunner.Tests.Units;

/// <summary>Bad input stops the run before any connection, with exit code 3 and a message naming the cause and the fix.</summary>
public class CommandLineTests
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await SmokeCli.RunAsync(args, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_missing_estate_file_is_named()
    {
        var (exit, _, error) = await RunAsync("--estate", "/nonexistent/rollout.yaml");

        Assert.Equal(SmokeCli.InvalidInput, exit);
        Assert.Contains("/nonexistent/rollout.yaml", error);
        Assert.Contains("the estate file does not exist", error);
    }

    [Fact]
    public async Task An_unknown_environment_lists_the_defined_ones()
    {
        var (exit, _, error) = await RunAsync("--env", "qa", "--estate", StagingBinding.EstatePath);

        Assert.Equal(SmokeCli.InvalidInput, exit);
        Assert.Contains("Environment 'qa' is not defined", error);
        Assert.Contains("local, staging, production", error);
    }

    [Fact]
    public async Task Local_without_a_running_stack_says_how_to_start_it()
    {
        var empty = Directory.CreateTempSubdirectory("smoke-empty-state-");
        try
        {
            var (exit, output, error) = await RunAsync("--env", "local", "--estate", StagingBinding.EstatePath, "--state-dir", empty.FullName);

            Assert.Equal(SmokeCli.ChecksFailed, exit); // the input is fine, the stack is down: the run failed
            Assert.Contains($"{Path.Combine(empty.FullName, "resources.json")} does not exist", error);
            Assert.Contains("dotnet run --project AppHost", error);
            Assert.Empty(output);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Staging_without_its_variables_names_every_missing_one()
    {
        Assert.Null(Environment.GetEnvironmentVariable("MYSQL_HOST"));

        var (exit, _, error) = await RunAsync("--env", "staging", "--estate", StagingBinding.EstatePath);

        Assert.Equal(SmokeCli.InvalidInput, exit);
        Assert.Contains("environment variable PLESK_SERVER_IP is not set", error);
        Assert.Contains("environment variable MYSQL_HOST is not set", error);
        Assert.Contains("environment variable PG_ADMIN_PASS is not set", error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1000")]
    public async Task Parallelism_out_of_range_is_refused(string value)
    {
        var (exit, _, error) = await RunAsync("--parallelism", value);

        Assert.Equal(SmokeCli.InvalidInput, exit);
        Assert.Contains("--parallelism must be between 1 and 256", error);
    }

    [Fact]
    public async Task An_unknown_output_format_is_refused()
    {
        var (exit, _, error) = await RunAsync("--output", "xml");

        Assert.Equal(SmokeCli.InvalidInput, exit);
        Assert.Contains("xml", error);
    }

    [Fact]
    public async Task The_run_command_and_environment_alias_the_AppHost_passes_are_understood()
    {
        var (exit, _, error) = await RunAsync("run", "--environment", "qa", "--estate", StagingBinding.EstatePath);

        Assert.Equal(SmokeCli.InvalidInput, exit);
        Assert.Contains("Environment 'qa' is not defined", error);
    }
}
