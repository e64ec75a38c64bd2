using Rollout.Backup.Tests.Infrastructure;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Secrets;

namespace Rollout.Backup.Tests;

/// <summary>`secrets`: every backup secret by name, present or missing, never a value, and the warning about losing the key.</summary>
[Collection(BackupCollection.Name)]
public sealed class SecretsTests(BackupStack stack)
{
    [Fact]
    public async Task Secrets_are_listed_by_name_with_the_warning_and_never_printed()
    {
        var state = stack.CopyStateDirectory();
        var result = await stack.BackupInAsync(state, null, "secrets");
        Assert.Equal(0, result.Exit);
        foreach (var name in new[] { "EXTERNAL_MARIADB_BACKUP_PASS", "EXTERNAL_POSTGRES_BACKUP_PASS", BackupSecrets.RepositoryPassword, BackupSecrets.OffsitePassword })
            Assert.Matches($@"{name}\s+present", result.Output);
        Assert.Contains("loses every backup", result.Output);
        Assert.Contains("restic key add", result.Output);
        var store = LocalSecretStore.InStateDirectory(state);
        foreach (var name in await store.NamesAsync(default))
            Assert.DoesNotContain((await store.GetAsync(name, default))!.Reveal(), result.All);
    }

    [Fact]
    public async Task A_remote_environment_without_the_repository_password_is_invalid_input()
    {
        var variables = new Dictionary<string, string>
        {
            ["PLESK_SERVER_IP"] = "127.0.0.1",
            ["ADMIN_IP_1"] = "127.0.0.1",
            ["MYSQL_HOST"] = "127.0.0.1",
            ["PG_HOST"] = "127.0.0.1",
            ["MYSQL_ADMIN_USER"] = "a",
            ["MYSQL_ADMIN_PASS"] = "b",
            ["PG_ADMIN_USER"] = "a",
            ["PG_ADMIN_PASS"] = "b",
            ["REDIS_HOST"] = "127.0.0.1",
        };
        var output = new StringWriter();
        var io = new Cli.CommandIo(output, output, name => variables.GetValueOrDefault(name), Path.GetDirectoryName(stack.Estate.SourcePath)!);
        var exit = await Cli.BackupCli.Create(io).Parse(["list", "--env", "staging", "--state-dir", stack.CopyStateDirectory()]).InvokeAsync();
        Assert.Equal(3, exit);
        Assert.True(output.ToString().Contains("BACKUP_REPOSITORY_PASSWORD is not set", StringComparison.Ordinal), output.ToString());
    }
}

/// <summary>The Provisioner's `secrets list` shows the backup secrets and the key-loss warning after the plan's list.</summary>
[Collection(BackupCollection.Name)]
public sealed class ProvisionerSecretsListTests(BackupStack stack)
{
    [Fact]
    public async Task Provisioner_secrets_list_names_the_backup_secrets_and_warns_about_losing_the_key()
    {
        var state = stack.CopyStateDirectory();
        Assert.Equal(0, (await stack.BackupInAsync(state, null, "secrets")).Exit); // creates the local repository keys
        var output = new StringWriter();
        var root = new System.CommandLine.RootCommand();
        foreach (var command in Provisioner.Secrets.SecretsCommands.Create(_ => null)) root.Subcommands.Add(command);
        var exit = await root.Parse(["secrets", "list", "--env", "local", "--estate", stack.Estate.SourcePath, "--state-dir", state])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = output });

        Assert.True(exit == 0, output.ToString());
        Assert.Matches($@"{BackupSecrets.RepositoryPassword}\s+present\s+key of the restic repository", output.ToString());
        Assert.Matches(@"EXTERNAL_POSTGRES_BACKUP_PASS\s+present", output.ToString());
        Assert.Contains("warning: Losing BACKUP_REPOSITORY_PASSWORD", output.ToString());
        var key = await LocalSecretStore.InStateDirectory(state).GetAsync(BackupSecrets.RepositoryPassword, default);
        Assert.DoesNotContain(key!.Reveal(), output.ToString());
    }
}
