using System.CommandLine;
using Rollout.Provisioner.Secrets;

namespace Rollout.Provisioner.Commands;

/// <summary>The Provisioner's command line: every verb, and bad options refused with exit code 3 before anything runs.</summary>
public static class ProvisionerCli
{
    public static RootCommand Create(CommandIo io)
    {
        var root = new RootCommand("Rollout Provisioner: plan, apply and drift for the databases, users and grants of rollout.yaml; secrets and rotation.");
        root.Add(PlanCommand.Create(io));
        root.Add(ApplyCommand.Create(io));
        root.Add(DriftCommand.Create(io));
        root.Add(MigrateCommand.Create(io));
        foreach (var command in SecretsCommands.Create(io.Variables)) root.Subcommands.Add(command);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CommandIo io, CancellationToken cancellationToken = default)
    {
        var parse = Create(io).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await io.Error.WriteLineAsync("error: " + error.Message);
            await io.Error.WriteLineAsync("Nothing was done. See `--help` for the commands and options.");
            return ExitCodes.InvalidInput;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { Output = io.Out, Error = io.Error }, cancellationToken);
    }
}
