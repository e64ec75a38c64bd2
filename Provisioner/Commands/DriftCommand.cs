using System.CommandLine;
using Rollout.Provisioner.Output;
using Rollout.Provisioner.Planning;

namespace Rollout.Provisioner.Commands;

/// <summary>`drift --env X`: what differs from the estate on objects that exist. Exit 0 none, 2 drift, 1 error.</summary>
public static class DriftCommand
{
    public static Command Create(CommandIo io)
    {
        var options = new ProvisionerOptions();
        var command = new Command("drift", "Report differences the estate does not want (extra privileges, missing REQUIRE SSL, changed collation, '%' hosts, PUBLIC access). Exit code 0: none, 2: drift, 1: error.");
        options.AddTo(command, prune: false, output: true);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(io, "drift", parse.GetValue(options.Environment), false, async () =>
        {
            var context = await ProvisionerContext.LoadAsync(parse, options, io, cancellationToken);
            var plan = await new EnvironmentPlanner(context.Binding, context.Passwords).PlanAsync(prune: false, cancellationToken);
            if (parse.GetValue(options.Output) == OutputFormat.Json) await PlanJson.WriteAsync(io.Out, plan, driftOnly: true, cancellationToken);
            else PlanRenderer.Write(io.Out, plan, driftOnly: true);
            return plan.Changes.Any(c => c.IsDrift) ? ExitCodes.ChangesPending : ExitCodes.NoChanges;
        }));
        return command;
    }
}
