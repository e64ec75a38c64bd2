using System.Text.Json;
using Rollout.Provisioner.Tests.Infrastructure;
using Rollout.ServiceDefaults.Local;

namespace Rollout.Provisioner.Tests.Integration;

/// <summary>
/// A PostgreSQL admin as managed services hand out: CREATEDB and CREATEROLE, no superuser, CONNECT on
/// postgres. The MariaDB side keeps the local superuser admin.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class NonSuperuserAdminTests(ProvisionerStack stack) : IAsyncLifetime
{
    private const string Admin = "rollout_weak";

    // How a DBA hands the shared databases to such an admin: PUBLIC revoked, CONNECT on template1 granted.
    private const string SharedDatabasesPrepared =
        $"REVOKE ALL ON DATABASE postgres FROM PUBLIC; REVOKE ALL ON DATABASE template1 FROM PUBLIC; GRANT CONNECT ON DATABASE template1 TO {Admin}";

    public Task InitializeAsync() => stack.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_server_with_fewer_connection_slots_than_databases_is_provisioned_on_two_sessions()
    {
        // The admin may hold two sessions: one for the server-wide statements, one for the database being set up
        // (extensions). Holding a session per database, as an earlier version did, failed with 53300.
        var (_, variables) = await StagingWithNonSuperuserAsync("CONNECTION LIMIT 2", SharedDatabasesPrepared);

        var apply = await stack.ProvisionerAsync(variables, "apply", "--env", "staging");
        Assert.True(apply.ExitCode == 0, apply.All);
        var plan = await stack.ProvisionerAsync(variables, "plan", "--env", "staging");
        Assert.True(plan.ExitCode == 0, plan.All);
        var extensions = await stack.PostgresAsync("SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'", "mo_grafana");
        Assert.Equal("pgcrypto,uuid-ossp", extensions.Trim());
    }

    [Fact]
    public async Task An_admin_that_cannot_revoke_public_on_shared_databases_gets_the_statements_for_a_superuser()
    {
        // PostgreSQL ignores a REVOKE by a non-owner with a mere warning: planning it as executable never converged.
        var (_, variables) = await StagingWithNonSuperuserAsync("", "GRANT CONNECT, TEMPORARY ON DATABASE postgres TO PUBLIC; GRANT CONNECT ON DATABASE template1 TO PUBLIC");

        var apply = await stack.ProvisionerAsync(variables, "apply", "--env", "staging");
        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.Contains("2 drift(s) need a manual fix", apply.Out);
        var plan = await stack.ProvisionerAsync(variables, "plan", "--env", "staging", "--output", "json");
        Assert.Equal(2, plan.ExitCode);
        var fixes = JsonDocument.Parse(plan.Out).RootElement.GetProperty("servers").EnumerateArray()
            .SelectMany(s => s.GetProperty("changes").EnumerateArray())
            .Select(c => c.GetProperty("manualFix")).Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!).ToList();
        Assert.Equal(2, fixes.Count);
        Assert.Contains(fixes, f => f.Contains($"admin '{Admin}' is neither a superuser nor the owner of postgres", StringComparison.Ordinal)
                                    && f.Contains("Run as a superuser: REVOKE ALL ON DATABASE \"postgres\" FROM PUBLIC;", StringComparison.Ordinal));
        Assert.Contains(fixes, f => f.Contains($"GRANT CONNECT ON DATABASE \"template1\" TO \"{Admin}\"; REVOKE ALL ON DATABASE \"template1\" FROM PUBLIC;", StringComparison.Ordinal));
        Assert.Contains("=Tc/", await stack.PostgresAsync("SELECT datacl::text FROM pg_database WHERE datname = 'postgres'"));

        // The superuser runs what the plan printed; the plan converges.
        await stack.PostgresAsync($"REVOKE ALL ON DATABASE \"postgres\" FROM PUBLIC; GRANT CONNECT ON DATABASE \"template1\" TO \"{Admin}\"; REVOKE ALL ON DATABASE \"template1\" FROM PUBLIC");
        plan = await stack.ProvisionerAsync(variables, "plan", "--env", "staging");
        Assert.True(plan.ExitCode == 0, plan.All);
    }

    [Fact]
    public async Task A_locale_the_admin_cannot_verify_is_reported_with_the_grant_that_allows_the_check()
    {
        // Locales in pg_collation need no probe (the first test); one generated after initdb is probed with a
        // temporary collation, which needs TEMPORARY on postgres: without it the error must not claim the locale is missing.
        var (password, variables) = await StagingWithNonSuperuserAsync("", SharedDatabasesPrepared);
        var estate = EstateVariants.Write(stack, "lcCollate: de_AT.UTF-8\n    lcCtype: de_AT.UTF-8", "lcCollate: de_CH.UTF-8\n    lcCtype: de_CH.UTF-8");

        var apply = await stack.ProvisionerAsync(variables, "apply", "--env", "staging", "--estate", estate);
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("locale 'de_CH.UTF-8' (needed by mo_idp) cannot be verified", apply.Error);
        Assert.Contains($"GRANT TEMPORARY ON DATABASE postgres TO \"{Admin}\"", apply.Error);
        Assert.DoesNotContain("en_US.UTF-8", apply.Error);
        Assert.DoesNotContain(password, apply.All);
        await stack.AssertNothingCreatedAsync();
    }

    /// <summary>Creates the admin role (with extra role options), prepares the shared databases, binds staging to it.</summary>
    private async Task<(string Password, Dictionary<string, string> Variables)> StagingWithNonSuperuserAsync(string roleOptions, string sharedDatabasesSql)
    {
        var password = "weak-" + Guid.NewGuid().ToString("N");
        await stack.PostgresAsync($"DROP ROLE IF EXISTS {Admin}; CREATE ROLE {Admin} LOGIN CREATEDB CREATEROLE {roleOptions} PASSWORD '{password}'; GRANT CONNECT ON DATABASE postgres TO {Admin}");
        await stack.PostgresAsync(sharedDatabasesSql);
        await stack.AdmitPostgreSqlAdminAsync(Admin);
        var variables = Staging.Variables(stack, Admin, stack.MariaDb.AdminPassword.Reveal(), password);
        variables["MYSQL_ADMIN_USER"] = LocalSecretNames.AdminUser;
        return (password, variables);
    }
}
