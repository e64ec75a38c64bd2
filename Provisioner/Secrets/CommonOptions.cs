using System.CommandLine;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Secrets;

/// <summary>Options every secrets command shares: the estate file, the environment, the state directory.</summary>
public sealed class CommonOptions
{
    public Option<string> Environment { get; } = new("--env") { Description = "Environment of rollout.yaml (local, staging, production)", Required = true };
    public Option<string?> Estate { get; } = new("--estate") { Description = "Path of rollout.yaml (default: found upwards from the current directory)" };
    public Option<string?> StateDirectory { get; } = new("--state-dir") { Description = "State directory (default: <dir of rollout.yaml>/.rollout)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Environment);
        command.Options.Add(Estate);
        command.Options.Add(StateDirectory);
    }

    public (Estate Estate, EnvironmentSpec Environment, string StateDirectory) Read(ParseResult result)
    {
        var path = result.GetValue(Estate) ?? EstateLoader.Locate();
        var estate = EstateLoader.LoadFile(path);
        var environment = estate.Environment(result.GetValue(Environment)!);
        var state = result.GetValue(StateDirectory) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, ".rollout");
        return (estate, environment, Path.GetFullPath(state));
    }

    /// <summary>Runs a command body; any error becomes one clear message on stderr and exit code 1 (never a stack trace).</summary>
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
            return 1;
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FileNotFoundException or InvalidDataException
            or ServiceDefaults.Secrets.SecretWriteException or GitHub.GitHubAccessException or ArgumentException or Rotation.RotationException
            or IOException or UnauthorizedAccessException or System.Data.Common.DbException or Topology.Binding.BindingException)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return 1;
        }
    }
}
