using Rollout.Topology.Loading;

namespace Rollout.ServiceDefaults.Cli;

/// <summary>
/// Where a program finds the estate file and the local state directory, the same in every program:
/// the option wins over the environment variable, the variable over the default search.
/// The AppHost sets both variables for the projects it runs, so they act on the estate it runs.
/// </summary>
public static class EstateLocation
{
    public const string EstateOption = "--estate";
    public const string StateDirectoryOption = "--state-dir";
    public const string EstateVariable = "ROLLOUT_ESTATE";
    public const string StateDirectoryVariable = "ROLLOUT_STATE_DIR";

    /// <summary>--estate, else $ROLLOUT_ESTATE, else the first rollout.yaml upwards from the working directory.</summary>
    public static string EstateFile(string? option, Func<string, string?> variables, string workingDirectory)
    {
        if (option is { Length: > 0 }) return Path.GetFullPath(option, workingDirectory);
        if (variables(EstateVariable) is { Length: > 0 } fromVariable) return Path.GetFullPath(fromVariable, workingDirectory);
        try
        {
            return EstateLoader.Locate(workingDirectory);
        }
        catch (FileNotFoundException e)
        {
            throw new EstateNotFoundException($"{e.Message.TrimEnd('.')} (or set {EstateVariable}).");
        }
    }

    /// <summary>--state-dir, else $ROLLOUT_STATE_DIR, else .rollout next to the estate file.</summary>
    public static string StateDirectory(string? option, Func<string, string?> variables, string estateFile, string workingDirectory)
    {
        if (option is { Length: > 0 }) return Path.GetFullPath(option, workingDirectory);
        if (variables(StateDirectoryVariable) is { Length: > 0 } fromVariable) return Path.GetFullPath(fromVariable, workingDirectory);
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(estateFile, workingDirectory))!, ".rollout");
    }

    public static string EstateDescription => $"The estate file (default: ${EstateVariable}, else rollout.yaml found upwards from the current directory).";

    public static string StateDirectoryDescription => $"State directory of the local environment (default: ${StateDirectoryVariable}, else .rollout next to the estate file).";
}

/// <summary>No estate file was given and none was found: invalid input (exit code 3).</summary>
public sealed class EstateNotFoundException(string message) : Exception(message);
