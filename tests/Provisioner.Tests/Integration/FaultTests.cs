using System.Globalization;
using System.Text.Json;
using Rollout.ServiceDefaults.Cli;
using Rollout.Provisioner.Tests.Infrastructure;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Tests.Integration;

[Collection(StackCollection.Name)]
public sealed class FaultTests(ProvisionerStack stack) : IAsyncLifetime
{
    public Task InitializeAsync() => stack.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_unreachable_server_is_named_with_host_and_port_and_nothing_changes_on_the_other()
    {
        var state = stack.CopyStateDirectory();
        var closedPort = ProvisionerStack.FreePort();
        await ProvisionerStack.MoveServerAsync(state, ProvisionerStack.PostgreSqlName, closedPort);

        var apply = await stack.LocalWithStateAsync(state, "apply");
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains($"server 'external-postgres' at 127.0.0.1:{closedPort.ToString(CultureInfo.InvariantCulture)} is unreachable", apply.Error);
        Assert.Contains("Nothing was changed", apply.Error);
        await stack.AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task Wrong_admin_credentials_are_reported_without_the_password_and_nothing_changes()
    {
        var state = stack.CopyStateDirectory();
        var wrong = new Secret("wrong-" + Guid.NewGuid().ToString("N"));
        await LocalSecretStore.InStateDirectory(state).SetAsync(LocalSecretNames.AdminPassword(ProvisionerStack.MariaDbName), wrong, default);

        var apply = await stack.LocalWithStateAsync(state, "apply");
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains($"server 'external-mariadb' at 127.0.0.1:{stack.MariaDb.Port.ToString(CultureInfo.InvariantCulture)}: login as 'rollout_admin' was refused", apply.Error);
        Assert.DoesNotContain(wrong.Reveal(), apply.All);
        await stack.AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task An_admin_lacking_privileges_is_told_which_ones_on_each_engine()
    {
        var password = "weak-" + Guid.NewGuid().ToString("N");
        await stack.MariaDbAdminAsync(stack.MariaDb,
            $"CREATE USER IF NOT EXISTS 'rollout_weak'@'127.0.0.1' IDENTIFIED BY '{password}'; GRANT SELECT, CREATE ON *.* TO 'rollout_weak'@'127.0.0.1'");
        // It may log in to the maintenance database (PUBLIC lost CONNECT there on apply) but lacks CREATEDB and CREATEROLE.
        await stack.PostgresAsync($"DROP ROLE IF EXISTS rollout_weak; CREATE ROLE rollout_weak LOGIN PASSWORD '{password}'; GRANT CONNECT ON DATABASE postgres TO rollout_weak");
        await stack.AdmitPostgreSqlAdminAsync("rollout_weak");
        var variables = Staging.Variables(stack, "rollout_weak", password, password);

        var plan = await stack.ProvisionerAsync(variables, "plan", "--env", "staging");
        Assert.Equal(1, plan.ExitCode);
        Assert.Contains("admin 'rollout_weak' lacks the global privilege(s) CREATE USER", plan.Error);
        Assert.Contains("admin role 'rollout_weak' lacks CREATEDB and CREATEROLE", plan.Error);
        Assert.DoesNotContain(password, plan.All);
        await stack.AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task A_locale_the_server_lacks_stops_the_plan_before_anything_changes_and_names_the_fix()
    {
        var estate = EstateVariants.Write(stack, "lcCollate: de_AT.UTF-8\n    lcCtype: de_AT.UTF-8", "lcCollate: de_CH.UTF-8\n    lcCtype: de_CH.UTF-8");

        var apply = await stack.LocalAsync("apply", "--estate", estate);
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("locale 'de_CH.UTF-8' (needed by mo_idp) does not exist on the server", apply.Error);
        Assert.Contains("locale-gen", apply.Error);
        await stack.AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task An_estate_that_would_create_a_database_on_the_existing_host_is_refused_at_validation()
    {
        var estate = EstateVariants.Write(stack, "mo_forum:      { server: plesk, user: svc_forum,      userHost: localhost, purpose: Forum (phpBB/Vanilla) }",
            "mo_forum:      { server: plesk, user: svc_forum,      userHost: localhost, purpose: Forum (phpBB/Vanilla) }\n  mo_shop: { server: plesk, user: svc_shop, userHost: localhost, purpose: Shop, charset: utf8mb4, collation: utf8mb4_unicode_ci }");

        var plan = await stack.LocalAsync("plan", "--estate", estate);
        Assert.Equal(ExitCodes.InvalidInput, plan.ExitCode);
        Assert.Contains("databases.mo_shop.charset: 'plesk' is an existing server: Rollout never creates or alters databases there", plan.Error);
        Assert.Equal("", (await stack.MariaDbAdminAsync(stack.Plesk, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'mo_shop'")).Trim());
    }

    [Fact]
    public async Task Optional_databases_are_provisioned_only_where_the_environment_enables_them()
    {
        var estate = EstateVariants.Write(stack, "optionalDatabases: [mo_analytics, mo_discourse]", "optionalDatabases: [mo_discourse]");

        var plan = await stack.LocalAsync("plan", "--output", "json", "--estate", estate);
        Assert.Equal(2, plan.ExitCode);
        var subjects = JsonDocument.Parse(plan.Out).RootElement.GetProperty("servers").EnumerateArray()
            .SelectMany(s => s.GetProperty("changes").EnumerateArray()).Select(c => c.GetProperty("subject").GetString()!).ToList();
        Assert.DoesNotContain(subjects, s => s.Contains("analytics", StringComparison.Ordinal));
        Assert.Contains("mo_discourse", subjects);
        Assert.Equal(11, subjects.Count(s => s.StartsWith("mo_", StringComparison.Ordinal) && !s.Contains(' ', StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Staging_reads_service_passwords_from_environment_variables_and_names_the_missing_ones()
    {
        var variables = Staging.Variables(stack, LocalSecretNames.AdminUser, stack.MariaDb.AdminPassword.Reveal(), stack.PostgreSql.AdminPassword.Reveal());
        variables.Remove("MO_CRM_DB_PASS");
        variables.Remove("PG_IDP_DB_PASS");

        var missing = await stack.ProvisionerAsync(variables, "apply", "--env", "staging");
        Assert.Equal(ExitCodes.InvalidInput, missing.ExitCode); // an environment missing its variables: invalid input, nothing done
        Assert.Contains("Environment 'staging' cannot be bound", missing.Error);
        Assert.Contains("Nothing was changed", missing.Error);
        Assert.Contains("MO_CRM_DB_PASS (password of svc_crm on external-mariadb)", missing.Error);
        Assert.Contains("PG_IDP_DB_PASS (password of svc_idp on external-postgres)", missing.Error);
        await stack.AssertNothingCreatedAsync();

        variables = Staging.Variables(stack, LocalSecretNames.AdminUser, stack.MariaDb.AdminPassword.Reveal(), stack.PostgreSql.AdminPassword.Reveal());
        var apply = await stack.ProvisionerAsync(variables, "apply", "--env", "staging");
        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.Equal(0, (await stack.ProvisionerAsync(variables, "plan", "--env", "staging")).ExitCode);
        var crm = await Logins.MariaDbAsync(stack, stack.MariaDb, "svc_crm", new Secret(variables["MO_CRM_DB_PASS"]), "mo_crm");
        Assert.True(crm.ExitCode == 0, crm.Error);
    }
}

/// <summary>The staging environment bound to the test servers through the variables rollout.yaml names.</summary>
internal static class Staging
{
    public static Dictionary<string, string> Variables(ProvisionerStack stack, string adminUser, string mariaDbPassword, string postgreSqlPassword)
    {
        var variables = new Dictionary<string, string>
        {
            ["PLESK_SERVER_IP"] = "127.0.0.1",
            ["ADMIN_IP_1"] = "127.0.0.1",
            ["PLESK_MYSQL_HOST"] = "127.0.0.1",
            ["PLESK_MYSQL_PORT"] = stack.Plesk.Port.ToString(CultureInfo.InvariantCulture),
            ["MYSQL_HOST"] = "127.0.0.1",
            ["MYSQL_PORT"] = stack.MariaDb.Port.ToString(CultureInfo.InvariantCulture),
            ["MYSQL_ADMIN_USER"] = adminUser,
            ["MYSQL_ADMIN_PASS"] = mariaDbPassword,
            ["MYSQL_CA_FILE"] = stack.CaFile,
            ["PG_HOST"] = "127.0.0.1",
            ["PG_PORT"] = stack.PostgreSql.Port.ToString(CultureInfo.InvariantCulture),
            ["PG_ADMIN_USER"] = adminUser,
            ["PG_ADMIN_PASS"] = postgreSqlPassword,
            ["PG_CA_FILE"] = stack.CaFile,
            ["REDIS_HOST"] = "127.0.0.1",
        };
        foreach (var database in stack.Estate.Databases.Where(d => d.ServerName != ProvisionerStack.PleskName))
            variables[database.PasswordSecretName] = "staging-" + database.Name + "-" + Guid.NewGuid().ToString("N");
        return variables;
    }
}
