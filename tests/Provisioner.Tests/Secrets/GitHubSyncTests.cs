using Rollout.GitHubStandIn;
using static Rollout.Provisioner.Tests.Secrets.SecretsTestSupport;

namespace Rollout.Provisioner.Tests.Secrets;

public class GitHubSyncTests
{
    [Fact]
    public async Task Sync_stores_every_secret_of_the_plan_decryptable_with_its_value_behind_the_review_gate()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();

        var (code, output) = await setup.SyncAsync();

        Assert.True(code == 0, output);
        var onGitHub = setup.StandIn.DecryptedSecrets(GitHubSyncSetup.Owner, GitHubSyncSetup.Repo, "production");
        Assert.Equal(setup.Expected.OrderBy(e => e.Key), onGitHub.OrderBy(e => e.Key));
        Assert.Equal(SecretCatalogueTests.ProductionNames.Order(), onGitHub.Keys.Order());
        Assert.Equal(setup.Variables["BACKUP_REPOSITORY_PASSWORD"], onGitHub["BACKUP_REPOSITORY_PASSWORD"]);
        Assert.Equal("/var/backups/rollout/restic", onGitHub["BACKUP_REPOSITORY"]); // rollout.yaml's default, BACKUP_REPOSITORY unset
        Assert.Equal(0, setup.StandIn.UndecryptableBoxes);
        Assert.Equal([setup.StandIn.TeamId(GitHubSyncSetup.Owner, "db-admins")], setup.StandIn.Reviewers(GitHubSyncSetup.Owner, GitHubSyncSetup.Repo, "production"));
        Assert.Contains("environment 'production': create (required reviewers: db-admins (team))", output);
        Assert.Contains($"Synced {setup.Expected.Count} secrets: {setup.Expected.Count} created, 0 updated, 0 unchanged.", output);
        AssertNoSecretIn(output, setup.SecretValues);
        foreach (var file in new[] { "github-sync.json", "github-sync.key" })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(setup.StateDirectory, file)));
        AssertNoSecretIn(await File.ReadAllTextAsync(Path.Combine(setup.StateDirectory, "github-sync.json")), setup.SecretValues);
    }

    [Fact]
    public async Task A_second_sync_of_unchanged_values_makes_no_writes()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        Assert.Equal(0, (await setup.SyncAsync()).Code);
        setup.StandIn.ClearRequests();

        var (code, output) = await setup.SyncAsync();

        Assert.True(code == 0, output);
        Assert.DoesNotContain(setup.StandIn.Requests, r => r.Method != "GET");
        Assert.Contains($"0 created, 0 updated, {setup.Expected.Count} unchanged", output);
        Assert.Contains("environment 'production': unchanged", output);
    }

    [Fact]
    public async Task A_changed_value_and_a_change_made_on_GitHub_are_each_written_again_and_nothing_else()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        Assert.Equal(0, (await setup.SyncAsync()).Code);
        setup.Variables["MO_CRM_DB_PASS"] = setup.Expected["MO_CRM_DB_PASS"] = "a-new-password-for-crm-0123456789";
        setup.StandIn.ChangeSecretElsewhere(GitHubSyncSetup.Owner, GitHubSyncSetup.Repo, "production", "PG_IDP_DB_PASS", "typed-in-the-ui");
        setup.StandIn.ClearRequests();

        var (code, output) = await setup.SyncAsync();

        Assert.True(code == 0, output);
        Assert.Equal(["/api/v3/repos/mo-org/mo-rollout/environments/production/secrets/MO_CRM_DB_PASS", "/api/v3/repos/mo-org/mo-rollout/environments/production/secrets/PG_IDP_DB_PASS"],
            setup.StandIn.Requests.Where(r => r.Method == "PUT").Select(r => r.Path).Order());
        Assert.Contains("value changed since the last sync", output);
        Assert.Contains("changed on GitHub since the last sync", output);
        Assert.Equal(setup.Expected.OrderBy(e => e.Key), setup.StandIn.DecryptedSecrets(GitHubSyncSetup.Owner, GitHubSyncSetup.Repo, "production").OrderBy(e => e.Key));
    }

    [Fact]
    public async Task Dry_run_lists_every_secret_of_the_plan_by_exact_name_and_writes_nothing()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();

        var (code, output) = await setup.SyncAsync("--dry-run");

        Assert.True(code == 0, output);
        var listed = output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(w => w.Length >= 2 && w[0] == "create").Select(w => w[1]).ToList();
        Assert.Equal(SecretCatalogueTests.ProductionNames, listed);
        Assert.Contains("environment 'production': would create (required reviewers: db-admins (team))", output);
        Assert.Contains("Nothing was written.", output);
        Assert.DoesNotContain(setup.StandIn.Requests, r => r.Method != "GET");
        Assert.Null(setup.StandIn.Reviewers(GitHubSyncSetup.Owner, GitHubSyncSetup.Repo, "production"));
        AssertNoSecretIn(output, setup.SecretValues);
    }

    [Fact]
    public async Task Dry_run_of_staging_without_a_token_lists_the_plans_full_list_including_redis()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        setup.Variables.Remove("GITHUB_TOKEN");
        setup.Variables["REDIS_HOST"] = "redis.provider.example";
        setup.Variables["SSH_HOST"] = "staging.provider.example";
        setup.Variables["SSH_USER"] = "deploy";
        setup.Variables["REDIS_MONITOR_PASS"] = "redis-monitoring-password-0123456789";
        var args = setup.SyncArgs("--dry-run").Select(a => a == "production" ? "staging" : a).ToArray();

        var (code, output) = await RunAsync(setup.Variables, args);

        Assert.True(code == 0, output);
        Assert.Contains("GITHUB_TOKEN is not set: GitHub was not asked", output);
        foreach (var name in SecretCatalogueTests.PlanPhase4Production.Concat(SecretCatalogueTests.BackupRemote).Concat(SecretCatalogueTests.MonitoringPasswords(redis: true)).Where(n => n != "SSH_TARGET_DIR"))
            Assert.Matches($@"(?m)^  create\s+{name}\s", output);
        // Staging has no default target directory: listed by name, with what to set.
        Assert.Matches(@"(?m)^  missing\s+SSH_TARGET_DIR\s+set SSH_TARGET_DIR \(environments.staging.deploy.sshTargetDir\)", output);
        Assert.Contains($"Dry run: {SecretCatalogueTests.PlanPhase4Production.Length + SecretCatalogueTests.BackupRemote.Length + SecretCatalogueTests.MonitoringPasswords(redis: true).Length} secrets, 1 without a value", output);
        Assert.Empty(setup.StandIn.Requests);
    }
}
