using System.CommandLine;
using Rollout.Provisioner.Secrets.Rotation;

namespace Rollout.Provisioner.Secrets;

/// <summary>
/// The secrets commands of the Provisioner: `secrets list|sync|dotenv` and `rotate`. Register them with
/// <c>root.Subcommands.Add(...)</c> for each command of <see cref="Create"/>.
/// </summary>
public static class SecretsCommands
{
    /// <param name="variables">Environment variables (GITHUB_TOKEN, MYSQL_HOST, …); the process environment by default.</param>
    public static IReadOnlyList<Command> Create(Func<string, string?>? variables = null)
    {
        variables ??= Environment.GetEnvironmentVariable;
        var secrets = new Command("secrets", "The estate's secrets: list them, sync them to GitHub environments, write .env files.");
        secrets.Subcommands.Add(SecretsList.Create(variables));
        secrets.Subcommands.Add(SecretsSync.Create(variables));
        secrets.Subcommands.Add(SecretsDotEnv.Create(variables));
        return [secrets, RotateCommand.Create(variables)];
    }
}
