using System.CommandLine;
using Rollout.Provisioner.Output;
using Rollout.Provisioner.Planning;

namespace Rollout.Provisioner.Commands;

/// <summary>`plan --env X`: the ordered changes apply would make, as SQL. Exit 0 none, 2 pending, 1 error.</summary>
public static class PlanCommand
{
    public static Command Create(CommandIo io)
    {
        var options = new ProvisionerOptions();
        var command = new Command("plan", "Show the changes apply would make (the SQL, passwords masked). Exit code 0: none, 2: changes pending, 1: error.");
        options.AddTo(command, prune: true, output: true);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(io, "plan", parse.GetValue(options.Environment), parse.GetValue(options.Prune), async () =>
        {
            var context = await ProvisionerContext.LoadAsync(parse, options, io, cancellationToken);
            var plan = await new EnvironmentPlanner(context.Binding, context.Passwords).PlanAsync(parse.GetValue(options.Prune), cancellationToken);
            if (parse.GetValue(options.Output) == OutputFormat.Json) await PlanJson.WriteAsync(io.Out, plan, driftOnly: false, cancellationToken);
            else
            {
                PlanRenderer.Write(io.Out, plan, driftOnly: false);
                Migration.MigrationPlanNote.Write(io.Out, context.Binding);
            }
            return plan.HasPendingChanges ? ExitCodes.ChangesPending : ExitCodes.NoChanges;
        }));
        return command;
    }
}
