using System.CommandLine;
using Rollout.ServiceDefaults.Cli;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Secrets;

/// <summary>Options every secrets command shares: the estate file, the environment, the state directory.</summary>
public sealed class CommonOptions
{
    public Option<string> Environment { get; } = new("--env") { Description = "Environment of rollout.yaml (local, staging, production)", Required = true };
    public Option<string?> Estate { get; } = new(EstateLocation.EstateOption) { Description = EstateLocation.EstateDescription };
    public Option<string?> StateDirectory { get; } = new(EstateLocation.StateDirectoryOption) { Description = EstateLocation.StateDirectoryDescription };

    public void AddTo(Command command)
    {
        command.Options.Add(Environment);
        command.Options.Add(Estate);
        command.Options.Add(StateDirectory);
    }

    /// <param name="variables">ROLLOUT_ESTATE and ROLLOUT_STATE_DIR are read here when the options are not given.</param>
    public (Estate Estate, EnvironmentSpec Environment, string StateDirectory) Read(ParseResult result, Func<string, string?> variables)
    {
        var workingDirectory = Directory.GetCurrentDirectory();
        var path = EstateLocation.EstateFile(result.GetValue(Estate), variables, workingDirectory);
        var estate = EstateLoader.LoadFile(path);
        var environment = estate.Environment(result.GetValue(Environment)!);
        var state = EstateLocation.StateDirectory(result.GetValue(StateDirectory), variables, path, workingDirectory);
        return (estate, environment, state);
    }

    /// <summary>Runs a command body; any error becomes one clear message on stderr and exit code 3 (bad input) or 1 (never a stack trace).</summary>
    public static async Task<int> RunAsync(ParseResult result, Func<TextWriter, Task<int>> body)
    {
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        try
        {
            return await body(output);
        }
        catch (EstateValidationException e)
        {
            await error.WriteLineAsync(e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is InvalidOperationException or FileNotFoundException or InvalidDataException
            or ServiceDefaults.Secrets.SecretWriteException or GitHub.GitHubAccessException or Rotation.RotationException
            or IOException or UnauthorizedAccessException or System.Data.Common.DbException || ExitCodes.IsInvalidInput(e))
        {
            await error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.For(e);
        }
    }
}
