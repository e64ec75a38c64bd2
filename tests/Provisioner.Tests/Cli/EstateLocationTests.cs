using Rollout.ServiceDefaults.Cli;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;
using static Rollout.Provisioner.Tests.Secrets.SecretsTestSupport;

namespace Rollout.Provisioner.Tests.Cli;

/// <summary>
/// Every verb takes the estate from --estate, else ROLLOUT_ESTATE, and the state directory from --state-dir,
/// else ROLLOUT_STATE_DIR (the AppHost sets both for the projects it runs), else .rollout next to the estate.
/// </summary>
public sealed class EstateLocationTests : IDisposable
{
    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private async Task<(int Exit, string Output)> RunAsync(Dictionary<string, string> variables, params string[] args)
    {
        var output = new StringWriter();
        var io = new Commands.CommandIo(output, output, variables.GetValueOrDefault, _scratch.Path);
        var exit = await Commands.ProvisionerCli.RunAsync(args, io);
        return (exit, output.ToString());
    }

    /// <summary>rollout.yaml copied outside the repository, its `local` environment renamed so only this file has it.</summary>
    private string EstateCopy(string localName)
    {
        var text = EstateText.Replace("\n  local:\n    kind: local", $"\n  {localName}:\n    kind: local", StringComparison.Ordinal);
        Assert.Contains($"  {localName}:\n", text);
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(_scratch.Path, localName)).FullName, "rollout.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private string StateDirectory(string name) => Directory.CreateDirectory(Path.Combine(_scratch.Path, name)).FullName;

    [Theory]
    [InlineData("plan")]
    [InlineData("apply")]
    [InlineData("drift")]
    public async Task Plan_apply_and_drift_act_on_the_estate_and_state_directory_the_variables_name(string verb)
    {
        var estate = EstateCopy("elsewhere");
        var state = StateDirectory("state-" + verb);

        var (exit, output) = await RunAsync(new() { [EstateLocation.EstateVariable] = estate, [EstateLocation.StateDirectoryVariable] = state },
            verb, "--env", "elsewhere");

        // `elsewhere` exists only in the copied file; the stack is looked for in the variable's state directory.
        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains($"{Path.Combine(state, "resources.json")}", output);
        Assert.Contains("is not running", output.Replace("does not exist", "is not running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_options_win_over_the_variables()
    {
        var fromVariable = EstateCopy("variable-local");
        var fromOption = EstateCopy("option-local");
        var state = StateDirectory("state-option");

        var (exit, output) = await RunAsync(new() { [EstateLocation.EstateVariable] = fromVariable, [EstateLocation.StateDirectoryVariable] = "/nonexistent-state" },
            "plan", "--env", "option-local", "--estate", fromOption, "--state-dir", state);

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains(Path.Combine(state, "resources.json"), output);
        Assert.DoesNotContain("nonexistent-state", output);
    }

    [Fact]
    public async Task Secrets_list_reads_the_local_store_of_ROLLOUT_STATE_DIR()
    {
        var state = StateDirectory("state-secrets");
        await LocalSecretStore.InStateDirectory(state).SetAsync("MO_CRM_DB_PASS", new Secret("local-crm-password-0123456789"), CancellationToken.None);

        var (exit, output) = await RunAsync(new() { [EstateLocation.EstateVariable] = EstatePath, [EstateLocation.StateDirectoryVariable] = state },
            "secrets", "list", "--env", "local");

        Assert.True(exit == 0, output);
        Assert.Matches(@"(?m)^  MO_CRM_DB_PASS\s+present\s", output);
        Assert.Matches(@"(?m)^  MO_N8N_DB_PASS\s+MISSING\s", output);
        AssertNoSecretIn(output, ["local-crm-password-0123456789"]);
    }

    [Fact]
    public async Task Rotate_binds_the_local_estate_from_ROLLOUT_STATE_DIR()
    {
        var state = StateDirectory("state-rotate");

        var (exit, output) = await RunAsync(new() { [EstateLocation.EstateVariable] = EstatePath, [EstateLocation.StateDirectoryVariable] = state },
            "rotate", "svc_crm", "--env", "local");

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains(Path.Combine(state, "resources.json"), output);
        Assert.Empty(Directory.GetFileSystemEntries(state));
    }

    [Fact]
    public async Task Without_an_estate_anywhere_every_verb_exits_3_and_names_both_ways_to_give_one()
    {
        var (exit, output) = await RunAsync([], "plan", "--env", "local");

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("pass --estate <path>", output);
        Assert.Contains(EstateLocation.EstateVariable, output);
    }

    [Theory]
    [InlineData("plan", "--env", "local", "--file", "rollout.yaml")]
    [InlineData("apply")]
    [InlineData("secrets", "list", "--env", "local", "--bogus")]
    [InlineData("frobnicate")]
    public async Task Bad_options_exit_3_before_anything_runs(params string[] args)
    {
        var (exit, output) = await RunAsync([], args);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("Nothing was done", output);
    }

    [Fact]
    public async Task An_invalid_estate_exits_3_with_the_cause_listed_first()
    {
        var path = Path.Combine(_scratch.Path, "rollout.yaml");
        File.WriteAllText(path, EstateText.Replace("charset: utf8mb4, collation: utf8mb4_unicode_ci }", "charset: utf8mb4, colation: utf8mb4_unicode_ci }", StringComparison.Ordinal));

        var (exit, output) = await RunAsync(new() { [EstateLocation.EstateVariable] = path }, "plan", "--env", "local");

        Assert.Equal(ExitCodes.InvalidInput, exit);
        var typo = output.IndexOf("databases.mo_crm.colation: unknown key 'colation'", StringComparison.Ordinal);
        var required = output.IndexOf("databases.mo_crm: collation is required", StringComparison.Ordinal);
        Assert.True(typo >= 0 && required > typo, output);
    }
}
