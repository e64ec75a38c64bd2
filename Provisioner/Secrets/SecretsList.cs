using System.CommandLine;
using Rollout.Provisioner.Secrets.Rotation;
using Rollout.Topology.Secrets;

namespace Rollout.Provisioner.Secrets;

/// <summary>`secrets list --env E`: every secret of the environment with its source and whether it has a value. Never a value.</summary>
public static class SecretsList
{
    public static Command Create(Func<string, string?> variables)
    {
        var common = new CommonOptions();
        var command = new Command("list", "List the environment's secrets: name, source, present/missing (never values)");
        common.AddTo(command);
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(result, async output =>
        {
            var (estate, environment, state) = common.Read(result, variables);
            var catalogue = SecretCatalogue.For(estate, environment);
            var resolved = await new SecretValues(state, variables).ResolveAsync(catalogue, cancellationToken);
            var pending = await RotationJournal.For(state, environment.Name).NamesAsync(cancellationToken);
            var width = resolved.Max(r => r.Name.Length);
            await output.WriteLineAsync($"Secrets of environment '{environment.Name}' ({resolved.Count}, derived from {estate.SourcePath}):");
            foreach (var secret in resolved)
                await output.WriteLineAsync($"  {secret.Name.PadRight(width)}  {(secret.IsPresent ? "present" : "MISSING"),-7}  " +
                    (secret.Entry.Purpose is { } purpose ? $"{purpose} ({secret.Source})" : secret.Source) +
                    (secret.Missing is null ? "" : $" — {secret.Missing}") +
                    (pending.Contains(secret.Name) ? $" — ROTATION PENDING: finish it with `rotate {secret.Entry.Database?.User} --env {environment.Name}`" : ""));
            foreach (var problem in catalogue.Problems) await output.WriteLineAsync($"  problem: {problem}");
            var missing = resolved.Count(r => !r.IsPresent);
            await output.WriteLineAsync(missing == 0 ? "All present." : $"{missing} missing.");
            if (catalogue.Find(BackupSecrets.RepositoryPassword) is not null) await output.WriteLineAsync("warning: " + BackupSecrets.LossWarning);
            return 0;
        }));
        return command;
    }
}
