using Rollout.Provisioner.Secrets.Rotation;
using Rollout.Topology.Model;
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

        Assert.Equal(1, code);
        Assert.Contains("Refusing to rotate svc_main: it lives on 'plesk', the existing Plesk host (servers.plesk.existing: true", output);
        Assert.Contains("Change its password in Plesk", output);
        Assert.Empty(Directory.GetFileSystemEntries(state.Path));
    }

    [Fact]
    public async Task An_unknown_user_is_named_with_the_known_ones()
    {
        var (code, output) = await RunAsync(new Dictionary<string, string>(),
            "rotate", "svc_nobody", "--env", "local", "--estate", EstatePath);

        Assert.Equal(1, code);
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

        Assert.Equal(1, code);
        Assert.Contains("Nowhere to keep the new password of svc_crm for environment 'production': pass --repo owner/name and/or --dotenv <file>. Nothing was changed.", output);
        Assert.Empty(Directory.GetFileSystemEntries(state.Path));
    }

    [Fact]
    public async Task A_remote_environment_that_cannot_be_bound_names_every_missing_variable_and_changes_nothing()
    {
        using var state = new TempDirectory();

        var (code, output) = await RunAsync(new Dictionary<string, string> { ["PLESK_SERVER_IP"] = "203.0.113.10", ["ADMIN_IP_1"] = "203.0.113.20" },
            "rotate", "svc_crm", "--env", "production", "--estate", EstatePath, "--state-dir", state.Path, "--dotenv", Path.Combine(state.Path, ".env.production"));

        Assert.Equal(1, code);
        Assert.Contains("Environment 'production' cannot be bound", output);
        Assert.Contains("MYSQL_HOST is not set", output);
        Assert.Contains("MYSQL_ADMIN_PASS is not set", output);
        Assert.Empty(Directory.GetFileSystemEntries(state.Path));
    }

    [Fact]
    public void New_passwords_are_32_random_bytes_in_base64()
    {
        var first = PasswordHashes.Generate().Reveal();
        Assert.Equal(32, Convert.FromBase64String(first).Length);
        Assert.NotEqual(first, PasswordHashes.Generate().Reveal());
    }

    [Fact]
    public void The_MariaDB_native_hash_matches_the_servers_PASSWORD_function() =>
        // SELECT PASSWORD('password') on MariaDB 10.11.
        Assert.Equal("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19", PasswordHashes.MariaDbNativeHash(new Secret("password")));

    [Fact]
    public void The_SCRAM_verifier_has_PostgreSQLs_format_and_a_fresh_salt_each_time()
    {
        var password = new Secret("pencil");
        var verifier = PasswordHashes.ScramSha256Verifier(password);
        Assert.Matches(@"^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$", verifier);
        Assert.NotEqual(verifier, PasswordHashes.ScramSha256Verifier(password));
        Assert.DoesNotContain("pencil", verifier);
    }

    [Fact]
    public void The_SCRAM_verifier_matches_an_independent_computation_for_a_fixed_salt() =>
        // Computed with Python's hashlib/hmac (RFC 5802: PBKDF2-HMAC-SHA-256, StoredKey = H(HMAC(salted, "Client Key"))).
        Assert.Equal("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$zHCdol2044/ZyWzPLi7oxApCkamKw9Z+E4U/QApd/5Y=:dd5peBOitVnLNFu7VmwP+HiDaaw4OUCv396eVCWhYiE=",
            PasswordHashes.ScramSha256Verifier(new Secret("pencil"), 4096, [.. Enumerable.Range(0, 16).Select(i => (byte)i)]));
}
