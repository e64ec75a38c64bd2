using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;
using static Rollout.Provisioner.Tests.Secrets.SecretsTestSupport;

namespace Rollout.Provisioner.Tests.Secrets;

public class SecretsListTests
{
    [Fact]
    public async Task Lists_names_sources_and_presence_for_production_and_never_a_value()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        setup.Variables.Remove("PG_HOST");
        setup.Variables.Remove("MO_NEXTCLOUD_DB_PASS");
        setup.Variables.Remove("EXTERNAL_POSTGRES_BACKUP_PASS");

        var (code, output) = await RunAsync(setup.Variables,
            "secrets", "list", "--env", "production", "--estate", EstatePath, "--state-dir", setup.StateDirectory);

        Assert.True(code == 0, output);
        foreach (var name in SecretCatalogueTests.ProductionNames)
            Assert.Matches($@"(?m)^  {name}\s+(present|MISSING)\s", output);
        Assert.Matches(@"(?m)^  PG_HOST\s+MISSING\s+\$PG_HOST — set PG_HOST", output);
        Assert.Matches(@"(?m)^  MO_NEXTCLOUD_DB_PASS\s+MISSING\s+\$MO_NEXTCLOUD_DB_PASS", output);
        Assert.Matches(@"(?m)^  SSH_HOST\s+present\s+default in rollout.yaml environments.production.deploy.sshHost", output);
        Assert.Matches(@"(?m)^  SSH_PRIVATE_KEY\s+present\s+file \$SSH_PRIVATE_KEY_FILE", output);
        Assert.Matches(@"(?m)^  EXTERNAL_POSTGRES_BACKUP_PASS\s+MISSING\s+password of the dump account rollout_backup on external-postgres \(\$EXTERNAL_POSTGRES_BACKUP_PASS\) — set EXTERNAL_POSTGRES_BACKUP_PASS", output);
        Assert.Matches(@"(?m)^  BACKUP_REPOSITORY_PASSWORD\s+present\s+key of the restic repository", output);
        Assert.Contains("3 missing.", output);
        Assert.Contains("warning: Losing BACKUP_REPOSITORY_PASSWORD", output);
        AssertNoSecretIn(output, setup.SecretValues.Concat(["external-mariadb.provider.example"]));
    }

    [Fact]
    public async Task Lists_local_passwords_from_the_local_store()
    {
        using var state = new TempDirectory();
        var store = LocalSecretStore.InStateDirectory(state.Path);
        await store.SetAsync("MO_CRM_DB_PASS", new Secret("local-crm-password-0123456789"), CancellationToken.None);

        var (code, output) = await RunAsync(new Dictionary<string, string>(),
            "secrets", "list", "--env", "local", "--estate", EstatePath, "--state-dir", state.Path);

        Assert.True(code == 0, output);
        Assert.Matches(@"(?m)^  MO_CRM_DB_PASS\s+present\s+local store .*secrets\.json", output);
        Assert.Matches(@"(?m)^  MO_N8N_DB_PASS\s+MISSING\s+local store", output);
        Assert.Matches(@"(?m)^  MYSQL_PORT\s+present\s+rollout.yaml environments.local.servers.external-mariadb.port \(stack not running\)", output);
        AssertNoSecretIn(output, ["local-crm-password-0123456789"]);
    }

    [Fact]
    public async Task An_unknown_environment_is_named_with_the_known_ones()
    {
        var (code, output) = await RunAsync(new Dictionary<string, string>(), "secrets", "list", "--env", "prod", "--estate", EstatePath);

        Assert.Equal(Rollout.ServiceDefaults.Cli.ExitCodes.InvalidInput, code);
        Assert.Contains("Environment 'prod' is not defined", output);
        Assert.Contains("local, staging, production", output);
    }
}
