using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;
using Rollout.Topology.Secrets;

namespace Rollout.Provisioner.Secrets;

/// <summary>
/// The backup system's secrets (dump account passwords, repository keys and locations) after the plan's list in
/// `secrets list`: present or missing, never a value, and the warning that a lost repository key loses every backup.
/// </summary>
internal static class BackupSecretsList
{
    public static async Task WriteAsync(TextWriter output, Estate estate, EnvironmentSpec environment, string stateDirectory,
        Func<string, string?> variables, CancellationToken cancellationToken)
    {
        var secrets = BackupSecrets.For(estate, environment);
        if (secrets.Count == 0) return;
        ISecretSource source = environment.Kind == EnvironmentKind.Local
            ? LocalSecretStore.InStateDirectory(stateDirectory)
            : new EnvironmentVariableSecretSource(variables);
        var width = secrets.Max(s => s.Name.Length);
        await output.WriteLineAsync($"Backup secrets (Rollout.Backup, {source.Description}):");
        foreach (var secret in secrets)
        {
            var present = secret.Setting is not null
                ? secret.Setting.Resolve(variables) is { Length: > 0 }
                : await source.GetAsync(secret.Name, cancellationToken) is not null;
            await output.WriteLineAsync($"  {secret.Name.PadRight(width)}  {(present ? "present" : "MISSING"),-7}  {secret.Purpose}");
        }
        await output.WriteLineAsync("warning: " + BackupSecrets.LossWarning);
    }
}
