using Rollout.Provisioner.Secrets.Rotation;
using Rollout.ServiceDefaults.Passwords;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;
using static Rollout.Provisioner.Tests.Secrets.SecretsTestSupport;

namespace Rollout.Provisioner.Tests.Secrets;

[Collection("rotation-stack")]
public sealed class RotationTests(RotationStackFixture fixture)
{
    private string[] RotateArgs(string user) =>
        ["rotate", user, "--env", "local", "--estate", EstatePath, "--state-dir", fixture.Stack.StateDirectory];

    private LocalSecretStore Journal => RotationJournal.For(fixture.Stack.StateDirectory, "local");

    [Fact]
    public async Task Rotating_svc_crm_leaves_it_able_to_log_in_with_the_new_password_only_on_every_host_entry()
    {
        var old = await fixture.CurrentPasswordAsync("svc_crm");

        var (code, output) = await RunAsync(new Dictionary<string, string>(), RotateArgs("svc_crm"));

        Assert.True(code == 0, output);
        var @new = await fixture.CurrentPasswordAsync("svc_crm");
        Assert.NotEqual(old, @new);
        Assert.Equal(32, Convert.FromBase64String(@new.Reveal()).Length);
        Assert.Equal(LoginResult.Succeeded, await fixture.TryLoginAsync("svc_crm", @new));
        Assert.Equal(LoginResult.Denied, await fixture.TryLoginAsync("svc_crm", old));
        var hashes = await fixture.MariaDbHashesAsync("svc_crm");
        Assert.Equal(["127.0.0.1", "localhost"], hashes.Keys.Order());
        Assert.All(hashes.Values, h => Assert.Equal(MariaDbNativePassword.Hash(@new), h));
        Assert.Null(await Journal.GetAsync("MO_CRM_DB_PASS", CancellationToken.None));
        Assert.Contains("[3/4] verified: TLS login with the new password works, the old one is denied", output);
        AssertNoSecretIn(output, [old.Reveal(), @new.Reveal()]);
    }

    [Fact]
    public async Task Rotating_a_PostgreSQL_role_sends_a_SCRAM_verifier_the_server_accepts()
    {
        var old = await fixture.CurrentPasswordAsync(RotationStackFixture.PostgreSqlUser);

        var (code, output) = await RunAsync(new Dictionary<string, string>(), RotateArgs(RotationStackFixture.PostgreSqlUser));

        Assert.True(code == 0, output);
        var @new = await fixture.CurrentPasswordAsync(RotationStackFixture.PostgreSqlUser);
        Assert.Equal(LoginResult.Succeeded, await fixture.TryLoginAsync(RotationStackFixture.PostgreSqlUser, @new));
        Assert.Equal(LoginResult.Denied, await fixture.TryLoginAsync(RotationStackFixture.PostgreSqlUser, old));
        AssertNoSecretIn(output, [old.Reveal(), @new.Reveal()]);
    }

    [Theory]
    [InlineData(nameof(RotationStep.PendingStored))]
    [InlineData(nameof(RotationStep.ServerChanged))]
    [InlineData(nameof(RotationStep.Verified))]
    public async Task A_rotation_killed_part_way_loses_no_password_and_a_rerun_finishes_it(string step)
    {
        var old = await fixture.CurrentPasswordAsync("svc_crm");

        var killed = await ProvisionerProcess.RunAsync(RotateArgs("svc_crm"), new Dictionary<string, string> { [RotateCommand.StopAfterVariable] = step });

        Assert.True(killed.Code == RotateCommand.StopExitCode, killed.Output);
        var pending = await Journal.GetAsync("MO_CRM_DB_PASS", CancellationToken.None);
        Assert.NotNull(pending);
        Assert.Equal(old, await fixture.CurrentPasswordAsync("svc_crm"));
        // Whatever the server has now, one of the two kept passwords logs in.
        var serverChanged = step != nameof(RotationStep.PendingStored);
        Assert.Equal(serverChanged ? LoginResult.Succeeded : LoginResult.Denied, await fixture.TryLoginAsync("svc_crm", pending));
        Assert.Equal(serverChanged ? LoginResult.Denied : LoginResult.Succeeded, await fixture.TryLoginAsync("svc_crm", old));

        var (_, listed) = await RunAsync(new Dictionary<string, string>(), "secrets", "list", "--env", "local", "--estate", EstatePath, "--state-dir", fixture.Stack.StateDirectory);
        Assert.Matches(@"(?m)^  MO_CRM_DB_PASS .* ROTATION PENDING: finish it with `rotate svc_crm --env local`", listed);

        var rerun = await ProvisionerProcess.RunAsync(RotateArgs("svc_crm"), new Dictionary<string, string>());

        Assert.True(rerun.Code == 0, rerun.Output);
        Assert.Contains("resuming an unfinished rotation of svc_crm", rerun.Output);
        Assert.Equal(pending, await fixture.CurrentPasswordAsync("svc_crm"));
        Assert.Equal(LoginResult.Succeeded, await fixture.TryLoginAsync("svc_crm", pending));
        Assert.Equal(LoginResult.Denied, await fixture.TryLoginAsync("svc_crm", old));
        Assert.Null(await Journal.GetAsync("MO_CRM_DB_PASS", CancellationToken.None));
        AssertNoSecretIn(killed.Output + rerun.Output, [old.Reveal(), pending.Reveal()]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Journal.Path));
    }
}

[Collection("rotation-stack")]
public sealed class RemoteRotationTests(RotationStackFixture fixture)
{
    [Fact]
    public async Task A_remote_rotation_that_stops_while_promoting_to_GitHub_says_where_and_a_rerun_promotes_to_GitHub_and_the_env_file()
    {
        await using var standIn = await GitHubStandIn.GitHubStandIn.StartAsync();
        standIn.AddRepository("mo-org", "mo-rollout");
        using var work = new TempDirectory();
        var state = Path.Combine(work.Path, "state");
        var dotenv = Path.Combine(work.Path, ".env.staging");
        var old = await fixture.CurrentPasswordAsync("svc_n8n");
        var mariadb = fixture.Endpoint("external-mariadb");
        var postgres = fixture.Endpoint("external-postgres");
        var redis = fixture.Endpoint("redis");
        // What an operator's shell (or CI) holds for staging, pointed at the local stack.
        var variables = new Dictionary<string, string>
        {
            ["PLESK_SERVER_IP"] = "127.0.0.1",
            ["ADMIN_IP_1"] = "127.0.0.1",
            ["MYSQL_HOST"] = mariadb.Host,
            ["MYSQL_PORT"] = mariadb.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MYSQL_ADMIN_USER"] = mariadb.AdminUser!,
            ["MYSQL_ADMIN_PASS"] = mariadb.AdminPassword!.Reveal(),
            ["MYSQL_CA_FILE"] = mariadb.CaFile!,
            ["PG_HOST"] = postgres.Host,
            ["PG_PORT"] = postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PG_ADMIN_USER"] = postgres.AdminUser!,
            ["PG_ADMIN_PASS"] = postgres.AdminPassword!.Reveal(),
            ["PG_CA_FILE"] = postgres.CaFile!,
            ["REDIS_HOST"] = redis.Host,
            ["REDIS_PORT"] = redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MO_N8N_DB_PASS"] = old.Reveal(),
            ["GITHUB_TOKEN"] = standIn.Token,
        };
        string[] args = ["rotate", "svc_n8n", "--env", "staging", "--estate", EstatePath, "--state-dir", state,
            "--repo", "mo-org/mo-rollout", "--api-url", standIn.BaseUrl, "--dotenv", dotenv];
        standIn.InjectFault(r => r.Method == "PUT" && r.Path.Value!.Contains("/secrets/", StringComparison.Ordinal), GitHubStandIn.Fault.BadCredentials());

        var (code, output) = await RunAsync(variables, args);

        Assert.Equal(1, code);
        Assert.Contains("Rotation of svc_n8n stopped while promoting the new password to GitHub environment 'staging' of mo-org/mo-rollout", output);
        Assert.Contains("401 Bad credentials", output);
        Assert.Contains("re-run the same `rotate` command to finish", output);
        var pending = await RotationJournal.For(state, "staging").GetAsync("MO_N8N_DB_PASS", CancellationToken.None);
        Assert.NotNull(pending);
        Assert.Equal(LoginResult.Succeeded, await fixture.TryLoginAsync("svc_n8n", pending));

        var (rerun, rerunOutput) = await RunAsync(variables, args);

        Assert.True(rerun == 0, rerunOutput);
        Assert.Equal(pending.Reveal(), standIn.DecryptedSecrets("mo-org", "mo-rollout", "staging")["MO_N8N_DB_PASS"]);
        Assert.Equal(pending.Reveal(), (await new Rollout.Provisioner.Secrets.DotEnv.DotEnvFileTarget(dotenv, "").ReadAsync(CancellationToken.None))["MO_N8N_DB_PASS"]);
        Assert.Equal(LoginResult.Denied, await fixture.TryLoginAsync("svc_n8n", old));
        AssertNoSecretIn(output + rerunOutput, [old.Reveal(), pending.Reveal(), mariadb.AdminPassword.Reveal(), standIn.Token]);
        await fixture.Stack.Secrets.SetAsync("MO_N8N_DB_PASS", pending, CancellationToken.None);
    }
}
