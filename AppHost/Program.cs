// The AppHost: brings up the local replica of the estate (see issue 2). Filled in by the orchestrator work.
// `publish` (issue 6) writes the deployment files; minimal wiring until the orchestrator's Program.cs lands.
using System.CommandLine;
using Rollout.AppHost.Publishing;

var root = new RootCommand("Rollout AppHost");
root.Subcommands.Add(new PublishCommand());
root.SetAction(_ =>
{
    Console.Error.WriteLine("Rollout AppHost: not yet implemented.");
    return 1;
});
return await root.Parse(args).InvokeAsync();
