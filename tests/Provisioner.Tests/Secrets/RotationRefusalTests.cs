using Rollout.ServiceDefaults.Cli;
using static Rollout.Provisioner.Tests.Secrets.SecretsTestSupport;

namespace Rollout.Provisioner.Tests.Secrets;

/// <summary>Rotation inputs that must be refused before any server or store is touched.</summary>
public class RotationRefusalTests
{
    [Fact]
    public async Task A_user_on_the_existing_Plesk_host_is_refused_with_the_reason_and_changes_nothing()
    {
        using var state = new TempDirectory();

        var (code, output) = await RunAsync(new Dictionary<string, string>(),
            "rotate", "svc_main", "--env", "local", "--estate", EstatePath, "--state-dir", state.Path);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("Refusing to rotate svc_main: it lives on 'plesk', the existing Plesk host (servers.plesk.existing: true", output);
        Assert.Contains("Change its password in Plesk", output);
        Assert.Empty(Directory.GetFileSystemEntries(state.Path));
    }

    [Fact]
    public async Task An_unknown_user_is_named_with_the_known_ones()
    {
        var (code, output) = await RunAsync(new Dictionary<string, string>(),
            "rotate", "svc_nobody", "--env", "local", "--estate", EstatePath);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("'svc_nobody' is not a service user of environment 'local'", output);
        Assert.Contains("svc_crm", output);
    }

    [Fact]
    public async Task A_remote_rotation_without_a_store_for_the_new_password_is_refused()
    {
        using var state = new TempDirectory();
        var variables = new Dictionary<string, string>
        {
            ["PLESK_SERVER_IP"] = "203.0.113.10",
            ["ADMIN_IP_1"] = "203.0.113.20",
            ["MYSQL_HOST"] = "127.0.0.1",
            ["MYSQL_ADMIN_USER"] = "admin",
            ["MYSQL_ADMIN_PASS"] = "admin-password-123",
            ["PG_HOST"] = "127.0.0.1",
            ["PG_ADMIN_USER"] = "admin",
            ["PG_ADMIN_PASS"] = "admin-password-123",
        };

        var (code, output) = await RunAsync(variables, "rotate", "svc_crm", "--env", "production", "--estate", EstatePath, "--state-dir", state.Path);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("Nowhere to keep the new password of svc_crm for environment 'production': pass --repo owner/name and/or --dotenv <file>. Nothing was changed.", output);
        Assert.Empty(Directory.GetFileSystemEntries(state.Path));
    }

    [Fact]
    public async Task A_remote_environment_that_cannot_be_bound_names_every_missing_variable_and_changes_nothing()
    {
        using var state = new TempDirectory();

        var (code, output) = await RunAsync(new Dictionary<string, string> { ["PLESK_SERVER_IP"] = "203.0.113.10", ["ADMIN_IP_1"] = "203.0.113.20" },
            "rotate", "svc_crm", "--env", "production", "--estate", EstatePath, "--state-dir", state.Path, "--dotenv", Path.Combine(state.Path, ".env.production"));

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("Environment 'production' cannot be bound", output);
        Assert.Contains("MYSQL_HOST is not set", output);
        Assert.Contains("MYSQL_ADMIN_PASS is not set", output);
        Assert.Empty(Directory.GetFileSystemEntries(state.Path));
    }
}
