using Rollout.ServiceDefaults.Cli;
using Rollout.SmokeRunner.Cli;

namespace Rollout.SmokeRunner.Tests.Units;

/// <summary>
/// The estate file and the state directory come from --estate/--state-dir, else ROLLOUT_ESTATE/ROLLOUT_STATE_DIR,
/// else the search from the working directory — the estate a run acts on is the one it was given, wherever it is.
/// </summary>
public sealed class EstateLocationTests : IDisposable
{
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("smoke-estate-location-");

    public void Dispose() => _scratch.Delete(recursive: true);

    private async Task<(int Exit, string Error)> RunAsync(Dictionary<string, string> variables, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await SmokeCli.RunAsync(args, output, error, variables.GetValueOrDefault, _scratch.FullName, CancellationToken.None);
        return (exit, error.ToString());
    }

    /// <summary>A copy of rollout.yaml outside the repository, with its `local` environment renamed so each file is recognisable.</summary>
    private string EstateCopy(string name, string localName)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_scratch.FullName, name));
        var text = File.ReadAllText(StagingBinding.EstatePath).Replace("\n  local:\n    kind: local", $"\n  {localName}:\n    kind: local", StringComparison.Ordinal);
        Assert.Contains($"  {localName}:\n", text);
        var path = Path.Combine(directory.FullName, "rollout.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task ROLLOUT_ESTATE_names_the_estate_when_no_option_is_given()
    {
        var other = EstateCopy("elsewhere", "other-local");
        var state = Directory.CreateDirectory(Path.Combine(_scratch.FullName, "state")).FullName;

        var (exit, error) = await RunAsync(new() { [EstateLocation.EstateVariable] = other, [EstateLocation.StateDirectoryVariable] = state }, "--env", "other-local");

        // The environment exists only in the other file, and the state directory from the variable is the one read.
        Assert.Equal(SmokeCli.ChecksFailed, exit);
        Assert.Contains($"{Path.Combine(state, "resources.json")} does not exist", error);
    }

    [Fact]
    public async Task The_option_wins_over_the_variable()
    {
        var fromVariable = EstateCopy("variable", "variable-local");
        var fromOption = EstateCopy("option", "option-local");
        var stateFromOption = Directory.CreateDirectory(Path.Combine(_scratch.FullName, "state-option")).FullName;

        var (exit, error) = await RunAsync(new() { [EstateLocation.EstateVariable] = fromVariable, [EstateLocation.StateDirectoryVariable] = "/nonexistent-state" },
            "--env", "option-local", "--estate", fromOption, "--state-dir", stateFromOption);

        Assert.Equal(SmokeCli.ChecksFailed, exit);
        Assert.Contains($"{Path.Combine(stateFromOption, "resources.json")} does not exist", error);
        Assert.DoesNotContain("nonexistent-state", error);
    }

    [Fact]
    public async Task Without_option_or_variable_the_state_directory_is_next_to_the_estate_file()
    {
        var estate = EstateCopy("default", "default-local");

        var (exit, error) = await RunAsync([], "--env", "default-local", "--estate", estate);

        Assert.Equal(SmokeCli.ChecksFailed, exit);
        Assert.Contains($"{Path.Combine(Path.GetDirectoryName(estate)!, ".rollout", "resources.json")} does not exist", error);
    }

    [Fact]
    public async Task Without_an_estate_anywhere_the_run_is_invalid_input_and_names_both_ways_to_give_one()
    {
        var (exit, error) = await RunAsync([], "--env", "local");

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("pass --estate <path>", error);
        Assert.Contains(EstateLocation.EstateVariable, error);
    }

    [Fact]
    public async Task An_unknown_option_is_invalid_input()
    {
        var (exit, error) = await RunAsync([], "--file", "rollout.yaml");

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("--file", error);
    }

    [Fact]
    public async Task An_invalid_estate_exits_3_as_in_every_program_with_the_cause_first()
    {
        var path = Path.Combine(_scratch.FullName, "rollout.yaml");
        File.WriteAllText(path, File.ReadAllText(StagingBinding.EstatePath)
            .Replace("charset: utf8mb4, collation: utf8mb4_unicode_ci }", "charset: utf8mb4, colation: utf8mb4_unicode_ci }", StringComparison.Ordinal));

        var (exit, error) = await RunAsync(new() { [EstateLocation.EstateVariable] = path });

        Assert.Equal(ExitCodes.InvalidInput, exit);
        var typo = error.IndexOf("databases.mo_crm.colation: unknown key 'colation'", StringComparison.Ordinal);
        var required = error.IndexOf("databases.mo_crm: collation is required", StringComparison.Ordinal);
        Assert.True(typo >= 0 && required > typo, error);
    }
}
