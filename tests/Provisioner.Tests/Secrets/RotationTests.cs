using Rollout.Provisioner.Secrets.Rotation;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;
using static Rollout.Provisioner.Tests.Secrets.SecretsTestSupport;

namespace Rollout.Provisioner.Tests.Secrets;

[Collection("rotation-stack")]
public sealed class RotationTests(RotationStackFixture fixture)
{
    private string[] RotateArgs(string user) =>
        ["rotate", user, "--env", "local", "--estate", EstatePath, "--state-dir", fixture.Stack.StateDirectory];

    private LocalSecretStore Journal => new(Path.Combine(fixture.Stack.StateDirectory, "rotation-pending-local.json"));

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
        Assert.All(hashes.Values, h => Assert.Equal(PasswordHashes.MariaDbNativeHash(@new), h));
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
