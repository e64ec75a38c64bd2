using System.CommandLine;
using Rollout.ServiceDefaults.Cli;

namespace Rollout.Provisioner.Commands;

public enum OutputFormat { Text, Json }

/// <summary>The options plan, apply and drift share.</summary>
public sealed class ProvisionerOptions
{
    public Option<string> Environment { get; } = new("--env", "-e", "--environment")
    {
        Description = "The environment of rollout.yaml to act on: local, staging or production.",
        Required = true,
    };

    public Option<string?> Estate { get; } = new(EstateLocation.EstateOption)
    {
        Description = EstateLocation.EstateDescription,
    };

    public Option<string?> StateDirectory { get; } = new(EstateLocation.StateDirectoryOption)
    {
        Description = EstateLocation.StateDirectoryDescription,
    };

    public Option<OutputFormat> Output { get; } = new("--output", "-o")
    {
        Description = "text (a table) or json (for machines).",
        DefaultValueFactory = _ => OutputFormat.Text,
    };

    public Option<bool> Prune { get; } = new("--prune")
    {
        Description = "Also remove what the estate does not want (extra privileges, users with other hosts). Without it they are only reported.",
    };

    public void AddTo(Command command, bool prune, bool output)
    {
        command.Add(Environment);
        command.Add(Estate);
        command.Add(StateDirectory);
        if (output) command.Add(Output);
        if (prune) command.Add(Prune);
    }
}
