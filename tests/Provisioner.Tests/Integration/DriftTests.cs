using System.Text.Json;
using Rollout.Provisioner.Tests.Infrastructure;

namespace Rollout.Provisioner.Tests.Integration;

[Collection(StackCollection.Name)]
public sealed class DriftTests(ProvisionerStack stack) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await stack.ResetAsync();
        var apply = await stack.LocalAsync("apply");
        Assert.True(apply.ExitCode == 0, apply.All);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static List<JsonElement> Changes(ProvisionerResult result) =>
        JsonDocument.Parse(result.Out).RootElement.GetProperty("servers").EnumerateArray().SelectMany(s => s.GetProperty("changes").EnumerateArray()).ToList();

    [Fact]
    public async Task A_hand_added_privilege_is_drift_kept_by_apply_and_removed_by_apply_prune()
    {
        await stack.MariaDbAdminAsync(stack.MariaDb, "GRANT SHOW VIEW, LOCK TABLES ON `mo\\_crm`.* TO 'svc_crm'@'127.0.0.1'");

        var drift = await stack.LocalAsync("drift", "--output", "json");
        Assert.Equal(2, drift.ExitCode);
        var extra = Assert.Single(Changes(drift));
        Assert.Equal("unmanaged", extra.GetProperty("kind").GetString());
        Assert.Contains("LOCK TABLES, SHOW VIEW", extra.GetProperty("reason").GetString());

        var plan = await stack.LocalAsync("plan");
        Assert.Equal(0, plan.ExitCode); // reported, but apply without --prune would not touch it
        Assert.Contains("1 unmanaged (apply --prune removes them)", plan.Out);

        var apply = await stack.LocalAsync("apply");
        Assert.Contains("0 statements executed", apply.Out);
        Assert.Contains("Y", await stack.MariaDbAdminAsync(stack.MariaDb, "SELECT Show_view_priv FROM mysql.db WHERE User = 'svc_crm'"));

        var prune = await stack.LocalAsync("apply", "--prune");
        Assert.True(prune.ExitCode == 0, prune.All);
        Assert.Contains("REVOKE LOCK TABLES, SHOW VIEW ON `mo\\_crm`.* FROM 'svc_crm'@'127.0.0.1'", prune.Out);
        Assert.Equal(0, (await stack.LocalAsync("drift")).ExitCode);
    }

    [Fact]
    public async Task A_database_created_by_hand_with_the_wrong_collation_is_drift_and_apply_resets_its_default()
    {
        await stack.MariaDbAdminAsync(stack.MariaDb, "DROP DATABASE mo_games; CREATE DATABASE mo_games CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");

        var drift = await stack.LocalAsync("drift");
        Assert.Equal(2, drift.ExitCode);
        Assert.Contains("collation is utf8mb4_general_ci, estate wants utf8mb4_unicode_ci", drift.Out);

        var apply = await stack.LocalAsync("apply");
        Assert.Contains("ALTER DATABASE `mo_games` CHARACTER SET 'utf8mb4' COLLATE 'utf8mb4_unicode_ci'", apply.Out);
        Assert.Equal("utf8mb4_unicode_ci", (await stack.MariaDbAdminAsync(stack.MariaDb,
            "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'mo_games'")).Trim());
        Assert.Equal(0, (await stack.LocalAsync("drift")).ExitCode);
    }

    [Fact]
    public async Task A_PostgreSql_database_with_the_wrong_locale_is_drift_that_needs_a_manual_fix()
    {
        await stack.PostgresAsync("DROP DATABASE mo_grafana WITH (FORCE)");
        await stack.PostgresAsync("CREATE DATABASE mo_grafana OWNER svc_grafana LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0");
        await stack.PostgresAsync("REVOKE ALL ON DATABASE mo_grafana FROM PUBLIC; ");
        await stack.PostgresAsync("CREATE EXTENSION \"uuid-ossp\"; CREATE EXTENSION pgcrypto;", "mo_grafana");

        var drift = await stack.LocalAsync("drift");
        Assert.Equal(2, drift.ExitCode);
        Assert.Contains("lc_collate is C.UTF-8, estate wants en_US.UTF-8", drift.Out);
        // The table wraps long text (the backup account's CONNECT grant shares it): the manual fix is read whole from JSON.
        var manual = Assert.Single(Changes(await stack.LocalAsync("drift", "--output", "json")), c => c.TryGetProperty("manualFix", out _));
        Assert.Contains("cannot change a database's encoding or locale in place", manual.GetProperty("manualFix").GetString());

        var apply = await stack.LocalAsync("apply");
        Assert.Equal(0, apply.ExitCode);
        // The recreated database lacks only the backup account's CONNECT: the one statement apply can run.
        Assert.Contains($"executed [external-postgres] GRANT CONNECT ON DATABASE \"mo_grafana\" TO \"{stack.Estate.Backup.Account}\"", apply.Out);
        Assert.Contains("1 statement executed", apply.Out);
        Assert.Contains("need a manual fix", apply.Out);
        Assert.Equal(2, (await stack.LocalAsync("plan")).ExitCode);
    }

    [Fact]
    public async Task A_user_with_a_percent_host_is_reported_and_dropped_only_with_prune()
    {
        await stack.MariaDbAdminAsync(stack.MariaDb, "CREATE USER 'svc_n8n'@'%' IDENTIFIED BY 'hand-made'; GRANT SELECT ON `mo\\_n8n`.* TO 'svc_n8n'@'%'");

        var drift = await stack.LocalAsync("drift");
        Assert.Equal(2, drift.ExitCode);
        Assert.Contains("user svc_n8n@%", drift.Out);
        Assert.Contains("host '%' accepts logins from anywhere", drift.Out);

        Assert.Contains("0 statements executed", (await stack.LocalAsync("apply")).Out);
        var prune = await stack.LocalAsync("apply", "--prune");
        Assert.Contains("DROP USER IF EXISTS 'svc_n8n'@'%'", prune.Out);
        Assert.Equal("", (await stack.MariaDbAdminAsync(stack.MariaDb, "SELECT User FROM mysql.global_priv WHERE User = 'svc_n8n' AND Host = '%'")).Trim());
        Assert.Equal(0, (await stack.LocalAsync("drift")).ExitCode);
    }

    [Fact]
    public async Task Public_connect_granted_back_is_drift_and_apply_revokes_it()
    {
        await stack.PostgresAsync("GRANT CONNECT, TEMPORARY ON DATABASE mo_idp TO PUBLIC");

        var drift = await stack.LocalAsync("drift");
        Assert.Equal(2, drift.ExitCode);
        Assert.Contains("every role may CONNECT, TEMPORARY", drift.Out);

        var apply = await stack.LocalAsync("apply");
        Assert.Contains("REVOKE ALL ON DATABASE \"mo_idp\" FROM PUBLIC", apply.Out);
        Assert.Equal("{svc_idp=CTc/svc_idp,rollout_backup=c/svc_idp}", (await stack.PostgresAsync("SELECT datacl::text FROM pg_database WHERE datname = 'mo_idp'")).Trim());
    }

    [Fact]
    public async Task A_missing_require_ssl_and_a_changed_password_are_drift_and_apply_restores_both()
    {
        await stack.MariaDbAdminAsync(stack.MariaDb, "ALTER USER 'svc_hooks'@'127.0.0.1' REQUIRE NONE; ALTER USER 'svc_consent'@'127.0.0.1' IDENTIFIED BY 'changed-by-hand'");
        await stack.PostgresAsync("ALTER ROLE svc_idp PASSWORD 'changed-by-hand'");

        var drift = await stack.LocalAsync("drift");
        Assert.Equal(2, drift.ExitCode);
        Assert.Contains("accepts logins without TLS (REQUIRE SSL missing)", drift.Out);
        Assert.Contains("password differs from secret MO_CONSENT_DB_PASS", drift.Out);
        Assert.Contains("password differs from secret PG_IDP_DB_PASS", drift.Out);

        var apply = await stack.LocalAsync("apply");
        Assert.Contains("ALTER USER 'svc_hooks'@'127.0.0.1' REQUIRE SSL", apply.Out);
        Assert.Equal(0, (await stack.LocalAsync("drift")).ExitCode);

        var consent = stack.Estate.Database("mo_consent");
        var login = await Logins.MariaDbAsync(stack, stack.MariaDb, consent.User, (await stack.Secrets.GetAsync(consent.PasswordSecretName, default))!, consent.Name);
        Assert.True(login.ExitCode == 0, login.Error);
        var idp = stack.Estate.Database("mo_idp");
        var pg = await Logins.PostgreSqlAsync(stack, idp.User, (await stack.Secrets.GetAsync(idp.PasswordSecretName, default))!, idp.Name);
        Assert.True(pg.ExitCode == 0, pg.Error);
    }

    [Fact]
    public async Task A_dropped_extension_is_found_without_reading_every_database_and_apply_recreates_it_as_the_owner()
    {
        Assert.Equal("pgcrypto:svc_idp,uuid-ossp:svc_idp",
            (await stack.PostgresAsync("SELECT string_agg(extname || ':' || pg_get_userbyid(extowner), ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'", "mo_idp")).Trim());
        await stack.PostgresAsync("DROP EXTENSION pgcrypto", "mo_idp");

        var drift = await stack.LocalAsync("drift");
        Assert.Equal(2, drift.ExitCode);
        Assert.Contains("extension pgcrypto in mo_idp", drift.Out);
        Assert.Contains("state read with 6 catalog queries", drift.Out); // 5 + one connection, to mo_idp only

        var apply = await stack.LocalAsync("apply");
        Assert.Contains("CREATE EXTENSION IF NOT EXISTS \"pgcrypto\"", apply.Out);
        Assert.Equal(0, (await stack.LocalAsync("drift")).ExitCode);
    }
}
