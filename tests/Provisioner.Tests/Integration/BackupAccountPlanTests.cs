using System.Text.Json;
using Rollout.Provisioner.Applying;
using Rollout.Provisioner.Output;
using Rollout.Provisioner.Passwords;
using Rollout.Provisioner.Planning;
using Rollout.Provisioner.Tests.Infrastructure;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Passwords;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Secrets;

namespace Rollout.Provisioner.Tests.Integration;

/// <summary>
/// The backup dump account (rollout.yaml backup.account) is part of plan, apply and drift like a service user:
/// planned when missing, least privilege on the managed databases only, drift when a privilege is revoked, never dropped.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class BackupAccountPlanTests(ProvisionerStack stack) : IAsyncLifetime
{
    private string Account => stack.Estate.Backup.Account;
    private string MariaDbAccount => $"'{Account}'@'127.0.0.1'";
    private string MariaDbSecret => BackupSecrets.AccountPassword(stack.Estate.Server(ProvisionerStack.MariaDbName));
    private string PostgreSqlSecret => BackupSecrets.AccountPassword(stack.Estate.Server(ProvisionerStack.PostgreSqlName));

    public Task InitializeAsync() => stack.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static List<JsonElement> Changes(ProvisionerResult result) =>
        JsonDocument.Parse(result.Out).RootElement.GetProperty("servers").EnumerateArray().SelectMany(s => s.GetProperty("changes").EnumerateArray()).ToList();

    private static string[] Sql(IEnumerable<JsonElement> changes) =>
        changes.SelectMany(c => c.GetProperty("statements").EnumerateArray()).Select(s => s.GetProperty("sql").GetString()!).ToArray();

    private async Task AssertNoBackupSecretInAsync(string output)
    {
        foreach (var name in new[] { MariaDbSecret, PostgreSqlSecret })
        {
            var password = await stack.Secrets.GetAsync(name, default);
            Assert.NotNull(password);
            Assert.DoesNotContain(password.Reveal(), output, StringComparison.Ordinal);
            Assert.DoesNotContain(MariaDbNativePassword.Hash(password), output, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("SCRAM-SHA-256$", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_lists_the_backup_accounts_statements_apply_creates_them_least_privileged_and_a_second_apply_executes_nothing()
    {
        var plan = await stack.LocalAsync("plan", "--output", "json");
        Assert.True(plan.ExitCode == 2, plan.All);
        var sql = Sql(Changes(plan).Where(c => c.GetProperty("subject").GetString()!.StartsWith(Account, StringComparison.Ordinal)));
        Assert.Contains($"CREATE USER IF NOT EXISTS {MariaDbAccount} IDENTIFIED BY PASSWORD '********' REQUIRE SSL", sql);
        Assert.Contains($"GRANT SELECT ON `mysql`.`proc` TO {MariaDbAccount}", sql);
        var mariaDbDatabases = stack.Estate.DatabasesOn(ProvisionerStack.MariaDbName).Select(d => d.Name).ToList();
        foreach (var database in mariaDbDatabases)
            Assert.Contains($"GRANT SELECT, SHOW VIEW, LOCK TABLES, TRIGGER, EVENT ON `{database.Replace("_", "\\_", StringComparison.Ordinal)}`.* TO {MariaDbAccount}", sql);
        Assert.Contains($"CREATE ROLE \"{Account}\" LOGIN PASSWORD '********'", sql);
        Assert.Contains($"GRANT \"pg_read_all_data\" TO \"{Account}\"", sql);
        foreach (var database in stack.Estate.DatabasesOn(ProvisionerStack.PostgreSqlName))
            Assert.Contains($"GRANT CONNECT ON DATABASE \"{database.Name}\" TO \"{Account}\"", sql);

        var apply = await stack.LocalAsync("apply");
        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.Contains($"executed [{ProvisionerStack.MariaDbName}] GRANT SELECT ON `mysql`.`proc` TO {MariaDbAccount}", apply.Out);
        Assert.Contains($"executed [{ProvisionerStack.PostgreSqlName}] GRANT \"pg_read_all_data\" TO \"{Account}\"", apply.Out);
        await AssertNoBackupSecretInAsync(apply.All + plan.All);

        // Least privilege: exactly the dump privileges on exactly the managed databases (escaped: `!` stands for the backslash), nothing server-wide.
        var rows = (await stack.MariaDbAdminAsync(stack.MariaDb,
            $"SELECT REPLACE(Db, CHAR(92), '!'), CONCAT(Select_priv, Show_view_priv, Lock_tables_priv, Trigger_priv, Event_priv, Insert_priv, Update_priv, Delete_priv, Create_priv, Drop_priv, Alter_priv) FROM mysql.db WHERE User = '{Account}' ORDER BY Db"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(mariaDbDatabases.Select(d => $"{d.Replace("_", "!_", StringComparison.Ordinal)}\tYYYYYNNNNNN").Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
        Assert.Equal("0", (await stack.MariaDbAdminAsync(stack.MariaDb, $"SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = \"{MariaDbAccount}\" AND PRIVILEGE_TYPE <> 'USAGE'")).Trim());
        var connect = await stack.PostgresAsync($"SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE datallowconn AND has_database_privilege('{Account}', oid, 'CONNECT')");
        Assert.Equal(string.Join(",", stack.Estate.DatabasesOn(ProvisionerStack.PostgreSqlName).Select(d => d.Name).Order(StringComparer.Ordinal)), connect.Trim());
        Assert.Equal("f|f|f|t", (await stack.PostgresAsync($"SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname = '{Account}'")).Trim());

        var again = await stack.LocalAsync("apply");
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains("0 statements executed", again.Out);
        Assert.Equal(0, (await stack.LocalAsync("drift")).ExitCode);
    }

    [Fact]
    public async Task Drift_sees_a_revoked_privilege_a_dropped_account_and_an_extra_grant_and_apply_prune_restores_without_dropping_the_account()
    {
        Assert.Equal(0, (await stack.LocalAsync("apply")).ExitCode);
        await stack.MariaDbAdminAsync(stack.MariaDb, $"REVOKE TRIGGER ON `mo\\_crm`.* FROM {MariaDbAccount}; GRANT INSERT ON `mo\\_games`.* TO {MariaDbAccount}");
        await stack.PostgresAsync($"REVOKE pg_read_all_data FROM \"{Account}\"");

        var drift = await stack.LocalAsync("drift", "--output", "json");
        Assert.Equal(2, drift.ExitCode);
        var changes = Changes(drift);
        var trigger = Assert.Single(changes, c => c.GetProperty("subject").GetString() == $"{Account}@127.0.0.1 on mo_crm" && c.GetProperty("kind").GetString() == "add");
        Assert.Contains("misses TRIGGER", trigger.GetProperty("reason").GetString());
        var membership = Assert.Single(changes, c => c.GetProperty("subject").GetString() == $"{Account} on the server");
        Assert.Contains("misses pg_read_all_data", membership.GetProperty("reason").GetString());
        var insert = Assert.Single(changes, c => c.GetProperty("subject").GetString() == $"{Account}@127.0.0.1 on mo_games");
        Assert.Equal("unmanaged", insert.GetProperty("kind").GetString());

        var prune = await stack.LocalAsync("apply", "--prune");
        Assert.True(prune.ExitCode == 0, prune.All);
        Assert.Contains($"GRANT TRIGGER ON `mo\\_crm`.* TO {MariaDbAccount}", prune.Out);
        Assert.Contains($"REVOKE INSERT ON `mo\\_games`.* FROM {MariaDbAccount}", prune.Out);
        Assert.Contains($"GRANT \"pg_read_all_data\" TO \"{Account}\"", prune.Out);
        Assert.DoesNotContain($"DROP USER IF EXISTS {MariaDbAccount}", prune.Out);
        Assert.DoesNotContain($"DROP ROLE IF EXISTS \"{Account}\"", prune.Out);
        Assert.Equal(0, (await stack.LocalAsync("drift")).ExitCode);

        // A dropped account on a provisioned server is drift too: its backups would fail.
        await stack.MariaDbAdminAsync(stack.MariaDb, $"DROP USER {MariaDbAccount}");
        var missing = await stack.LocalAsync("drift", "--output", "json");
        Assert.Equal(2, missing.ExitCode);
        var account = Assert.Single(Changes(missing), c => c.GetProperty("subject").GetString() == $"{Account}@127.0.0.1" && c.GetProperty("object").GetString() == "user");
        Assert.Equal($"backup account {Account}@127.0.0.1 does not exist (password from {MariaDbSecret})", account.GetProperty("reason").GetString());
        var restore = await stack.LocalAsync("apply");
        Assert.Contains($"executed [{ProvisionerStack.MariaDbName}] CREATE USER IF NOT EXISTS {MariaDbAccount}", restore.Out);
        Assert.Equal(0, (await stack.LocalAsync("drift")).ExitCode);
        await AssertNoBackupSecretInAsync(drift.All + prune.All + missing.All + restore.All);
    }

    [Fact]
    public async Task Without_the_backup_password_a_read_only_secret_source_plans_and_applies_everything_else_and_says_why()
    {
        Assert.Equal(0, (await stack.LocalAsync("apply")).ExitCode);
        await stack.MariaDbAdminAsync(stack.MariaDb, $"DROP USER {MariaDbAccount}; REVOKE DROP ON `mo\\_games`.* FROM 'svc_games'@'127.0.0.1'");
        // As staging/production read their secrets: environment variables that cannot be generated into, here without *_BACKUP_PASS.
        var binding = await LocalEnvironmentBinder.BindAsync(stack.Estate, stack.StateDirectory, CancellationToken.None);
        var serviceSecrets = await stack.Secrets.GetManyAsync(binding.Databases.Select(d => d.PasswordSecretName).ToList(), CancellationToken.None);
        var passwords = ServicePasswords.ReadOnly(new EnvironmentVariableSecretSource(name => serviceSecrets.GetValueOrDefault(name)?.Reveal()));

        var plan = await new EnvironmentPlanner(binding, passwords).PlanAsync(prune: false, CancellationToken.None);
        var rendered = new StringWriter();
        PlanRenderer.Write(rendered, plan, driftOnly: false);

        Assert.Contains($"note: backup account {Account}@127.0.0.1 on {ProvisionerStack.MariaDbName}: not planned, {MariaDbSecret} is not set", rendered.ToString());
        Assert.Contains($"note: backup account {Account} on {ProvisionerStack.PostgreSqlName}: not planned, {PostgreSqlSecret} is not set", rendered.ToString());
        Assert.DoesNotContain(plan.Changes, c => c.Subject.StartsWith(Account, StringComparison.Ordinal));
        Assert.Single(plan.Changes, c => c.Subject == "svc_games@127.0.0.1 on mo_games" && c.IsExecutable);

        var executed = await new PlanExecutor(passwords).ExecuteAsync(plan, _ => Task.CompletedTask, CancellationToken.None);
        Assert.Equal(1, executed);
        Assert.Contains("Y", await stack.MariaDbAdminAsync(stack.MariaDb, "SELECT Drop_priv FROM mysql.db WHERE User = 'svc_games'"));
        Assert.Equal("0", (await stack.MariaDbAdminAsync(stack.MariaDb, $"SELECT COUNT(*) FROM mysql.global_priv WHERE User = '{Account}'")).Trim());
        Assert.Equal(0, (await stack.LocalAsync("apply")).ExitCode); // the local store has it: the account is back
    }
}
