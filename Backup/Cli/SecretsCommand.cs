using System.CommandLine;
using Rollout.Topology.Secrets;

namespace Rollout.Backup.Cli;

/// <summary>`secrets --env E`: the backup secrets, present or missing, never a value; and the warning that a lost repository key loses every backup.</summary>
public static class SecretsCommand
{
    public static Command Create(CommandIo io)
    {
        var options = new BackupOptions();
        var command = new Command("secrets", "List the backup secrets (names and whether they are set, never values).");
        options.AddTo(command, database: false);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(io, async () =>
        {
            var context = await BackupContext.LoadAsync(options.Values(parse, io), io, cancellationToken);
            var secrets = BackupSecrets.For(context.Estate, context.Binding.Environment);
            var width = secrets.Max(s => s.Name.Length);
            foreach (var secret in secrets)
            {
                var present = secret.Setting is not null
                    ? secret.Setting.Resolve(io.Variables) is { Length: > 0 }
                    : await context.Secrets.GetAsync(secret.Name, cancellationToken) is not null;
                await io.Out.WriteLineAsync($"  {secret.Name.PadRight(width)}  {(present ? "present" : "MISSING"),-7}  {secret.Purpose}");
            }
            await io.Out.WriteLineAsync("warning: " + BackupSecrets.LossWarning);
            return ExitCodes.Success;
        }));
        return command;
    }
}
