using System.Text.Json;
using Rollout.Provisioner.Tests.Infrastructure;
using Rollout.ServiceDefaults.Local;

namespace Rollout.Provisioner.Tests.Integration;

/// <summary>
/// The monitoring account where the environment cannot have it (an admin that may not grant its privileges; no password set),
/// and its session cap, which the operational-account planner keeps like its privileges.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class MonitoringAccountFaultTests(ProvisionerStack stack) : IAsyncLifetime
{
    public Task InitializeAsync() => stack.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_admin_that_cannot_grant_the_exporters_privileges_stops_the_plan_naming_them_and_nothing_changes()
    {
        var password = "grantless-" + Guid.NewGuid().ToString("N");
        // Everything the service users need, with grant option, but not PROCESS / SLAVE MONITOR.
        await stack.MariaDbAdminAsync(stack.MariaDb,
            $"CREATE USER IF NOT EXISTS 'rollout_grantless'@'127.0.0.1' IDENTIFIED BY '{password}'; " +
            "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, REFERENCES, DROP, CREATE VIEW, CREATE USER ON *.* TO 'rollout_grantless'@'127.0.0.1' WITH GRANT OPTION");
        var variables = Staging.Variables(stack, "rollout_grantless", password, password);
        variables["EXTERNAL_MARIADB_MONITOR_PASS"] = "monitor-" + Guid.NewGuid().ToString("N");

        ProvisionerResult plan;
        try
        {
            plan = await stack.ProvisionerAsync(variables, "plan", "--env", "staging");
        }
        finally
        {
            // The other tests of the stack would see it as an undeclared account.
            await stack.MariaDbAdminAsync(stack.MariaDb, "DROP USER IF EXISTS 'rollout_grantless'@'127.0.0.1'");
        }

        Assert.Equal(1, plan.ExitCode);
        Assert.Contains($"127.0.0.1:{stack.MariaDb.Port}", plan.Error);
        Assert.Contains("admin 'rollout_grantless' cannot grant PROCESS, SLAVE MONITOR to the monitoring account rollout_monitor@127.0.0.1", plan.Error);
        Assert.Contains("GRANT PROCESS, SLAVE MONITOR ON *.* TO <admin> WITH GRANT OPTION", plan.Error);
        Assert.DoesNotContain(password, plan.All);
        await stack.AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task Without_its_password_a_remote_environment_plans_no_monitoring_account()
    {
        var variables = Staging.Variables(stack, LocalSecretNames.AdminUser, stack.MariaDb.AdminPassword.Reveal(), stack.PostgreSql.AdminPassword.Reveal());

        var plan = await stack.ProvisionerAsync(variables, "plan", "--env", "staging");

        Assert.Equal(2, plan.ExitCode);
        Assert.Contains("svc_crm", plan.Out);
        // Declared (never dropped as undeclared), not planned: a note says which secret is missing, no change names it.
        Assert.Contains($"note: monitoring account rollout_monitor@127.0.0.1 on {ProvisionerStack.MariaDbName}: not planned, EXTERNAL_MARIADB_MONITOR_PASS is not set", plan.Out);
        Assert.Contains($"note: monitoring account rollout_monitor on {ProvisionerStack.PostgreSqlName}: not planned, EXTERNAL_POSTGRES_MONITOR_PASS is not set", plan.Out);
        Assert.DoesNotContain(plan.Out.Split('\n'), line => line.Contains("rollout_monitor", StringComparison.Ordinal) && !line.TrimStart().StartsWith("note:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Drift_sees_a_lifted_session_cap_and_apply_restores_it_with_exactly_the_exporters_privileges()
    {
        var first = await stack.LocalAsync("apply");
        Assert.True(first.ExitCode == 0, first.All);
        await stack.MariaDbAdminAsync(stack.MariaDb, "ALTER USER 'rollout_monitor'@'127.0.0.1' WITH MAX_USER_CONNECTIONS 0");
        await stack.PostgresAsync("ALTER ROLE rollout_monitor CONNECTION LIMIT -1");

        var drift = await stack.LocalAsync("drift", "--output", "json");

        Assert.Equal(2, drift.ExitCode);
        var reasons = JsonDocument.Parse(drift.Out).RootElement.GetProperty("servers").EnumerateArray()
            .SelectMany(s => s.GetProperty("changes").EnumerateArray())
            .ToDictionary(c => c.GetProperty("subject").GetString()!, c => c.GetProperty("reason").GetString());
        Assert.Equal("monitoring account rollout_monitor@127.0.0.1 may hold unlimited sessions, its role wants at most 3", reasons["rollout_monitor@127.0.0.1"]);
        Assert.Equal("monitoring account rollout_monitor may hold unlimited sessions, its role wants at most 3", reasons["rollout_monitor"]);

        var apply = await stack.LocalAsync("apply");
        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.Contains($"executed [{ProvisionerStack.MariaDbName}] ALTER USER 'rollout_monitor'@'127.0.0.1' WITH MAX_USER_CONNECTIONS 3", apply.Out);
        Assert.Contains($"executed [{ProvisionerStack.PostgreSqlName}] ALTER ROLE \"rollout_monitor\" CONNECTION LIMIT 3", apply.Out);
        Assert.Equal("3", (await stack.MariaDbAdminAsync(stack.MariaDb, "SELECT JSON_VALUE(Priv, '$.max_user_connections') FROM mysql.global_priv WHERE User = 'rollout_monitor'")).Trim());
        Assert.Equal("PROCESS,SLAVE MONITOR", (await stack.MariaDbAdminAsync(stack.MariaDb,
            "SELECT GROUP_CONCAT(PRIVILEGE_TYPE ORDER BY PRIVILEGE_TYPE) FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = \"'rollout_monitor'@'127.0.0.1'\"")).Trim());
        Assert.Equal("3|f|t|pg_monitor", (await stack.PostgresAsync(
            "SELECT r.rolconnlimit, r.rolsuper, has_database_privilege(r.oid, 'postgres', 'CONNECT'), " +
            "(SELECT string_agg(g.rolname, ',') FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) FROM pg_roles r WHERE r.rolname = 'rollout_monitor'")).Trim());
        var after = await stack.LocalAsync("drift");
        Assert.True(after.ExitCode == 0, after.All);
    }
}
