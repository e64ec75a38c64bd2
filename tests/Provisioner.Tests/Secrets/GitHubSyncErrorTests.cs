using System.Diagnostics;
using Rollout.GitHubStandIn;
using static Rollout.Provisioner.Tests.Secrets.SecretsTestSupport;

namespace Rollout.Provisioner.Tests.Secrets;

public class GitHubSyncErrorTests
{
    private static bool IsSecretPut(Microsoft.AspNetCore.Http.HttpRequest r) =>
        r.Method == "PUT" && r.Path.Value!.Contains("/secrets/", StringComparison.Ordinal);

    [Fact]
    public async Task A_wrong_token_is_a_401_that_names_the_token_and_the_needed_scope()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        setup.Variables["GITHUB_TOKEN"] = "ghp_wrong_token_abcdefghijklmnop";

        var (code, output) = await setup.SyncAsync();

        Assert.Equal(1, code);
        Assert.Contains("401 Bad credentials", output);
        Assert.Contains("GITHUB_TOKEN is wrong, expired or revoked", output);
        Assert.Contains("`repo` scope", output);
        Assert.Contains("written before the failure (0): none", output);
        Assert.Empty(setup.StandIn.DecryptedSecrets(GitHubSyncSetup.Owner, GitHubSyncSetup.Repo, "production"));
        AssertNoSecretIn(output, setup.SecretValues.Append("ghp_wrong_token_abcdefghijklmnop"));
    }

    [Fact]
    public async Task A_missing_token_refuses_before_asking_GitHub()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        setup.Variables.Remove("GITHUB_TOKEN");

        var (code, output) = await setup.SyncAsync();

        Assert.Equal(1, code);
        Assert.Contains("GITHUB_TOKEN is not set", output);
        Assert.Empty(setup.StandIn.Requests);
    }

    [Fact]
    public async Task A_token_without_the_secrets_permission_is_a_403_naming_the_scope_and_what_was_not_written()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        setup.StandIn.TokenPermissions.Remove("secrets");

        var (code, output) = await setup.SyncAsync();

        Assert.Equal(1, code);
        Assert.Contains("403 Resource not accessible by personal access token", output);
        Assert.Contains("'Secrets: write'", output);
        Assert.Contains("GitHub says this call needs: secrets=read", output);
        Assert.Contains($"NOT written ({setup.Expected.Count})", output);
        Assert.DoesNotContain("Synced", output);
    }

    [Fact]
    public async Task A_token_that_cannot_create_environments_is_a_403_naming_administration_write()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        setup.StandIn.TokenPermissions.Remove("environments");

        var (code, output) = await setup.SyncAsync();

        Assert.Equal(1, code);
        Assert.Contains("PUT environment 'production'", output);
        Assert.Contains("administration=write", output);
    }

    [Fact]
    public async Task An_unknown_repository_is_a_404_naming_it()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        var args = setup.SyncArgs().Select(a => a == $"{GitHubSyncSetup.Owner}/{GitHubSyncSetup.Repo}" ? "mo-org/no-such-repo" : a).ToArray();

        var (code, output) = await RunAsync(setup.Variables, args);

        Assert.Equal(1, code);
        Assert.Contains("404", output);
        Assert.Contains("mo-org/no-such-repo does not exist", output);
    }

    [Fact]
    public async Task An_unknown_reviewer_is_named_with_the_fix()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        var estateWithoutTeam = Path.Combine(setup.StateDirectory, "..", "rollout.yaml");
        await File.WriteAllTextAsync(estateWithoutTeam, EstateText.Replace("requiredReviewers: [db-admins]", "requiredReviewers: [db-wizards]", StringComparison.Ordinal));
        var args = setup.SyncArgs().Select(a => a == EstatePath ? estateWithoutTeam : a).ToArray();

        var (code, output) = await RunAsync(setup.Variables, args);

        Assert.Equal(1, code);
        Assert.Contains("Required reviewer 'db-wizards'", output);
        Assert.Contains("neither a team of 'mo-org' nor a GitHub user", output);
    }

    [Theory]
    [InlineData("429")]
    [InlineData("secondary")]
    [InlineData("primary")]
    public async Task A_short_rate_limit_is_waited_out_as_GitHub_asks_and_the_sync_completes(string kind)
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        setup.StandIn.InjectFault(IsSecretPut, kind switch
        {
            "429" => Fault.TooManyRequests(1),
            "secondary" => Fault.SecondaryRateLimit(1),
            _ => Fault.PrimaryRateLimit(2), // X-RateLimit-Reset has whole seconds: the wait is 1-2 s
        });
        var clock = Stopwatch.StartNew();

        var (code, output) = await setup.SyncAsync();

        Assert.True(code == 0, output);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"took {clock.Elapsed}: the rate limit was not waited out");
        Assert.Equal(setup.Expected.OrderBy(e => e.Key), setup.StandIn.DecryptedSecrets(GitHubSyncSetup.Owner, GitHubSyncSetup.Repo, "production").OrderBy(e => e.Key));
    }

    [Fact]
    public async Task A_long_rate_limit_stops_with_the_wait_and_what_was_written_and_a_rerun_finishes()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        var puts = 0;
        setup.StandIn.InjectFault(r => IsSecretPut(r) && ++puts == 4, Fault.TooManyRequests(3600));

        var (code, output) = await setup.SyncAsync();

        Assert.Equal(1, code);
        Assert.Contains("GitHub asks to retry after 3600 s", output);
        Assert.Contains("written before the failure (3): SSH_HOST, SSH_PORT, SSH_USER", output);
        Assert.Contains($"NOT written ({setup.Expected.Count - 3})", output);
        Assert.Equal(3, setup.StandIn.DecryptedSecrets(GitHubSyncSetup.Owner, GitHubSyncSetup.Repo, "production").Count);

        setup.StandIn.ClearRequests();
        var (rerun, rerunOutput) = await setup.SyncAsync();
        Assert.True(rerun == 0, rerunOutput);
        Assert.Equal(setup.Expected.Count - 3, setup.Puts());
        Assert.Equal(setup.Expected.OrderBy(e => e.Key), setup.StandIn.DecryptedSecrets(GitHubSyncSetup.Owner, GitHubSyncSetup.Repo, "production").OrderBy(e => e.Key));
    }

    [Fact]
    public async Task A_dropped_connection_reports_exactly_what_was_written_and_nothing_half_written_as_done()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        var puts = 0;
        setup.StandIn.InjectFault(r => IsSecretPut(r) && ++puts == 6, Fault.DropConnection());

        var (code, output) = await setup.SyncAsync();

        Assert.Equal(1, code);
        Assert.Contains("Cannot reach GitHub", output);
        Assert.Contains("written before the failure (5)", output);
        Assert.DoesNotContain("Synced", output);
        var written = setup.StandIn.DecryptedSecrets(GitHubSyncSetup.Owner, GitHubSyncSetup.Repo, "production");
        Assert.Equal(5, written.Count);

        var (rerun, rerunOutput) = await setup.SyncAsync();
        Assert.True(rerun == 0, rerunOutput);
        Assert.Contains($"{setup.Expected.Count - 5} created, 0 updated, 5 unchanged", rerunOutput);
    }

    [Fact]
    public async Task An_unreachable_api_url_fails_clearly()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var args = setup.SyncArgs().Select(a => a == setup.StandIn.BaseUrl ? $"http://127.0.0.1:{closedPort}/" : a).ToArray();

        var (code, output) = await RunAsync(setup.Variables, args);

        Assert.Equal(1, code);
        Assert.Contains($"Cannot reach GitHub at http://127.0.0.1:{closedPort}/api/v3/", output);
    }

    [Fact]
    public async Task A_missing_value_refuses_the_whole_sync_before_anything_is_written()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        setup.Variables.Remove("MYSQL_HOST");
        setup.Variables.Remove("MO_CRM_DB_PASS");

        var (code, output) = await setup.SyncAsync();

        Assert.Equal(1, code);
        Assert.Contains("MYSQL_HOST: set MYSQL_HOST (environments.production.servers.external-mariadb.host)", output);
        Assert.Contains("MO_CRM_DB_PASS: set MO_CRM_DB_PASS", output);
        Assert.Contains("nothing was written to GitHub", output);
        Assert.Empty(setup.StandIn.Requests);
    }
}

public class GitHubApiUrlTests
{
    [Theory]
    [InlineData("http://127.0.0.1:1/", "http://127.0.0.1:1/api/v3/")]
    [InlineData("http://127.0.0.1:1/api/v3/", "http://127.0.0.1:1/api/v3/")]
    [InlineData("https://api.github.com/", "https://api.github.com/")]
    public void Octokit_talks_to_the_enterprise_path_whether_or_not_the_url_names_it(string apiUrl, string expected) =>
        Assert.Equal(expected, new Rollout.Provisioner.Secrets.GitHub.GitHubEnvironmentApi(apiUrl, "token", "o", "r", TimeSpan.Zero, TimeSpan.FromSeconds(1)).BaseAddress.ToString());
}
