using System.CommandLine;
using Rollout.Provisioner.Secrets.DotEnv;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Secrets;

namespace Rollout.Provisioner.Secrets;

/// <summary>`secrets dotenv --env E --out FILE`: the environment's secrets as a .env file (0600, git-ignored or outside the work tree).</summary>
public static class SecretsDotEnv
{
    public static Command Create(Func<string, string?> variables)
    {
        var common = new CommonOptions();
        var output = new Option<string>("--out") { Description = "File to write, e.g. .env.production", Required = true };
        var command = new Command("dotenv", "Write the environment's secrets to a .env file (mode 0600)");
        common.AddTo(command);
        command.Options.Add(output);
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(result, async writer =>
        {
            var (estate, environment, state) = common.Read(result, variables);
            var catalogue = SecretCatalogue.For(estate, environment);
            var resolved = await new SecretValues(state, variables).ResolveAsync(catalogue, cancellationToken);
            SecretsSync.RefuseMissing(resolved, catalogue, "a .env file");
            var target = new DotEnvFileTarget(result.GetValue(output)!,
                $"Secrets of environment '{environment.Name}', written by `rollout secrets dotenv` from {Path.GetFileName(estate.SourcePath)}.\nNever commit this file.");
            var plan = await target.WriteAsync(resolved.Select(r => new NamedSecret(r.Name, r.Value!)).ToList(), cancellationToken);
            await writer.WriteLineAsync($"Wrote {plan.Count} secrets of environment '{environment.Name}' to {target.Path} (mode 0600): " +
                $"{plan.Count(p => p.Change == SecretChange.Create)} new, {plan.Count(p => p.Change == SecretChange.Update)} changed, " +
                $"{plan.Count(p => p.Change == SecretChange.Unchanged)} unchanged.");
            return 0;
        }));
        return command;
    }
}
