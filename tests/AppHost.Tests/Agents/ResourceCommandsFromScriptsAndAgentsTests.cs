using Rollout.AppHost.Hosting;

namespace Rollout.AppHost.Tests.Agents;

/// <summary>
/// Issue 13: the estate's resource commands from a script (`aspire resource &lt;resource&gt; &lt;command&gt;`) and from an agent
/// (Aspire's MCP server, tool execute_resource_command), against one running AppHost; each answer is the real outcome.
/// </summary>
public sealed class ResourceCommandsFromScriptsAndAgentsTests(ScriptAndAgentEstate estate) : IClassFixture<ScriptAndAgentEstate>
{
    /// <summary>The CLI's exit code when a command is unknown or fails (Aspire.Cli 13.6.5).</summary>
    private const int CommandFailed = 16;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_script_runs_plan_through_the_aspire_cli_and_gets_exit_code_0_on_an_applied_estate()
    {
        var plan = await estate.Cli.ResourceCommandAsync("provisioner", EstateCommandExtensions.Plan);

        Assert.True(plan.ExitCode == 0, plan.All);
        Assert.Contains("Command 'plan' executed successfully on resource 'provisioner'", plan.All);
    }

    [Fact]
    public async Task An_agent_runs_plan_through_the_mcp_tool_execute_resource_command()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await using var mcp = await McpSession.OpenAsync(estate.Cli, cancel.Token);

        var (text, isError) = await mcp.ExecuteResourceCommandAsync("provisioner", EstateCommandExtensions.Plan, cancel.Token);

        Assert.False(isError, text);
        Assert.Contains("Command 'plan' executed successfully on resource 'provisioner'", text);
    }

    [Fact]
    public async Task An_unknown_command_is_refused_by_the_cli_with_a_non_zero_exit_code_and_by_the_mcp_tool_as_an_error()
    {
        var script = await estate.Cli.ResourceCommandAsync("provisioner", "nonsense");
        using var cancel = new CancellationTokenSource(Timeout);
        await using var mcp = await McpSession.OpenAsync(estate.Cli, cancel.Token);
        var (text, isError) = await mcp.ExecuteResourceCommandAsync("provisioner", "nonsense", cancel.Token);

        Assert.True(script.ExitCode == CommandFailed, script.All);
        Assert.Contains("Command 'nonsense' not available for resource 'provisioner'", script.All);
        Assert.True(isError, text);
        Assert.Contains("Command 'nonsense' not available for resource 'provisioner'", text);
    }

    [Fact]
    public async Task A_failing_smoke_is_reported_as_failed_with_its_summary_both_ways()
    {
        // A real failure: the PostgreSQL server stopped (Aspire's own stop command, from the script side).
        var stop = await estate.Cli.ResourceCommandAsync("external-postgres", "stop");
        Assert.True(stop.ExitCode == 0, stop.All);
        try
        {
            var script = await estate.Cli.ResourceCommandAsync("smokerunner", EstateCommandExtensions.Smoke);
            using var cancel = new CancellationTokenSource(Timeout);
            await using var mcp = await McpSession.OpenAsync(estate.Cli, cancel.Token);
            var (text, isError) = await mcp.ExecuteResourceCommandAsync("smokerunner", EstateCommandExtensions.Smoke, cancel.Token);

            Assert.True(script.ExitCode == CommandFailed, script.All);
            Assert.Contains("Failed to execute command 'smoke' on resource 'smokerunner': exit code 1", script.All);
            Assert.Matches("FAILED: [0-9]+ passed, [1-9][0-9]* failed", Unwrapped(script.All));
            Assert.True(isError, text);
            Assert.Contains("Command 'smoke' failed for resource 'smokerunner': exit code 1", text);
            Assert.Matches("FAILED: [0-9]+ passed, [1-9][0-9]* failed", text);
        }
        finally
        {
            var start = await estate.Cli.ResourceCommandAsync("external-postgres", "start");
            var healthy = await estate.Cli.WaitHealthyAsync("external-postgres");
            Assert.True(start.ExitCode == 0 && healthy.ExitCode == 0, start.All + healthy.All);
        }
    }

    /// <summary>The CLI wraps a long message to its console width: the lines joined again.</summary>
    private static string Unwrapped(string output) => string.Join(' ', output.Split('\n', StringSplitOptions.TrimEntries));
}
