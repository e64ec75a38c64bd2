using System.CommandLine;
using Rollout.Provisioner.Applying;
using Rollout.Provisioner.Output;
using Rollout.Provisioner.Planning;

namespace Rollout.Provisioner.Commands;

/// <summary>`apply --env X [--prune]`: plans, then executes; prints each statement as it completes.</summary>
public static class ApplyCommand
{
    public static Command Create(CommandIo io)
    {
        var options = new ProvisionerOptions();
        var command = new Command("apply", "Create and fix what plan shows (servers in parallel, statements in order). --prune also removes extras.");
        options.AddTo(command, prune: true, output: false);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(io, "apply", parse.GetValue(options.Environment), parse.GetValue(options.Prune), async () =>
        {
            var context = await ProvisionerContext.LoadAsync(parse, options, io, cancellationToken);
            var plan = await new EnvironmentPlanner(context.Binding, context.Passwords).PlanAsync(parse.GetValue(options.Prune), cancellationToken);
            PlanRenderer.Write(io.Out, plan, driftOnly: false);
            var writeLock = new SemaphoreSlim(1, 1);
            var executed = await new PlanExecutor(context.Passwords).ExecuteAsync(plan, async step =>
            {
                await writeLock.WaitAsync(cancellationToken);
                try
                {
                    await io.Out.WriteLineAsync($"executed [{step.Server}] {step.Statement.Display}");
                    await io.Out.FlushAsync(cancellationToken);
                }
                finally
                {
                    writeLock.Release();
                }
            }, cancellationToken);
            await io.Out.WriteLineAsync(executed == 0
                ? "Apply complete: nothing to do, 0 statements executed."
                : $"Apply complete: {executed} statement{(executed == 1 ? "" : "s")} executed on {plan.Servers.Count(s => s.Executable.Any())} server(s).");
            var manual = plan.Changes.Count(c => c.ManualFix is not null);
            if (manual > 0) await io.Out.WriteLineAsync($"{manual} drift(s) need a manual fix (see above).");
            return ExitCodes.NoChanges;
        }));
        return command;
    }
}
