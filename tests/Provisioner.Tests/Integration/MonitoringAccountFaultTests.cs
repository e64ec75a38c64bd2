using Rollout.Provisioner.Tests.Infrastructure;
using Rollout.ServiceDefaults.Local;

namespace Rollout.Provisioner.Tests.Integration;

/// <summary>The monitoring account where the environment cannot have it: an admin that may not grant its privileges; no password set.</summary>
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
        Assert.DoesNotContain("rollout_monitor", plan.Out);
    }
}
