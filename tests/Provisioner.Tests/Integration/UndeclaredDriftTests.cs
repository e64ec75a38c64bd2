using System.Text.Json;
using Rollout.Provisioner.Tests.Infrastructure;

namespace Rollout.Provisioner.Tests.Integration;

/// <summary>
/// Databases, users and grants made by hand on a managed server, which rollout.yaml declares nowhere: drift lists each
/// one and exits 2, plan and apply leave them alone, plan --prune says what it would drop and apply --prune drops them.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class UndeclaredDriftTests(ProvisionerStack stack) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await stack.ResetAsync();
        var apply = await stack.LocalAsync("apply");
        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.True((await stack.LocalAsync("drift")).ExitCode == 0, "a freshly applied estate has no drift, nothing undeclared");
    }

    /// <summary>Whatever a failed test left behind must not show up as drift in the next class.</summary>
    public async Task DisposeAsync()
    {
        await stack.MariaDbAdminAsync(stack.MariaDb, "DROP DATABASE IF EXISTS moXcrm; DROP USER IF EXISTS 'handmade'@'%'; SELECT 1");
        await stack.PostgresAsync("DROP DATABASE IF EXISTS \"moXidp\" WITH (FORCE)");
        await stack.PostgresAsync("DROP ROLE IF EXISTS handmade_pg");
    }

    private static List<(string Kind, string Object, string Subject, string Reason, string Sql)> Changes(ProvisionerResult result) =>
        JsonDocument.Parse(result.Out).RootElement.GetProperty("servers").EnumerateArray()
            .SelectMany(s => s.GetProperty("changes").EnumerateArray())
            .Select(c => (c.GetProperty("kind").GetString()!, c.GetProperty("object").GetString()!, c.GetProperty("subject").GetString()!,
                c.GetProperty("reason").GetString()!, string.Join("; ", c.GetProperty("statements").EnumerateArray().Select(s => s.GetProperty("sql").GetString()))))
            .ToList();

    [Fact]
    public async Task MariaDB_a_hand_made_database_next_to_mo_crm_a_user_and_its_grant_are_drift_and_only_apply_prune_drops_them()
    {
        await stack.MariaDbAdminAsync(stack.MariaDb,
            "CREATE DATABASE moXcrm; CREATE USER 'handmade'@'%' IDENTIFIED BY 'hand-made-password' REQUIRE SSL; GRANT SELECT, INSERT ON `moXcrm`.* TO 'handmade'@'%'");

        var drift = await stack.LocalAsync("drift", "--output", "json");

        Assert.True(drift.ExitCode == 2, drift.All);
        var changes = Changes(drift);
        Assert.Contains(changes, c => c is { Kind: "unmanaged", Object: "database", Subject: "moXcrm" } && c.Reason.Contains("not declared in rollout.yaml"));
        Assert.Contains(changes, c => c is { Kind: "unmanaged", Object: "user", Subject: "handmade@%" });
        Assert.Contains(changes, c => c is { Kind: "unmanaged", Object: "grant", Subject: "handmade@% on moXcrm" } && c.Reason.StartsWith("INSERT, SELECT on moXcrm"));
        Assert.Equal(3, changes.Count);

        var plan = await stack.LocalAsync("plan");
        Assert.Equal(0, plan.ExitCode); // nothing apply would do without --prune
        Assert.Contains("3 unmanaged (apply --prune removes them)", plan.Out);
        var apply = await stack.LocalAsync("apply");
        Assert.Contains("0 statements executed", apply.Out);
        Assert.Equal("moXcrm", (await stack.MariaDbAdminAsync(stack.MariaDb, "SHOW DATABASES LIKE 'moXcrm'")).Trim());

        var prunePlan = await stack.LocalAsync("plan", "--prune");
        Assert.Equal(2, prunePlan.ExitCode);
        Assert.Contains("DROP DATABASE IF EXISTS `moXcrm`", prunePlan.Out);
        Assert.Contains("DROP USER IF EXISTS 'handmade'@'%'", prunePlan.Out);
        Assert.Contains("REVOKE INSERT, SELECT ON `moXcrm`.* FROM 'handmade'@'%'", prunePlan.Out);

        var prune = await stack.LocalAsync("apply", "--prune");
        Assert.True(prune.ExitCode == 0, prune.All);
        Assert.Equal("", (await stack.MariaDbAdminAsync(stack.MariaDb, "SHOW DATABASES LIKE 'moXcrm'")).Trim());
        Assert.Equal("", (await stack.MariaDbAdminAsync(stack.MariaDb, "SELECT User FROM mysql.global_priv WHERE User = 'handmade'")).Trim());
        Assert.Equal("mo_crm", (await stack.MariaDbAdminAsync(stack.MariaDb, "SHOW DATABASES LIKE 'mo\\_crm'")).Trim());
        Assert.Equal(0, (await stack.LocalAsync("drift")).ExitCode);
    }

    [Fact]
    public async Task PostgreSQL_a_hand_made_database_a_role_and_its_grant_are_drift_and_only_apply_prune_drops_them()
    {
        await stack.PostgresAsync("CREATE DATABASE \"moXidp\"");
        await stack.PostgresAsync("CREATE ROLE handmade_pg LOGIN PASSWORD 'hand-made-password'; GRANT CONNECT ON DATABASE \"moXidp\" TO handmade_pg");

        var drift = await stack.LocalAsync("drift", "--output", "json");

        Assert.True(drift.ExitCode == 2, drift.All);
        var changes = Changes(drift);
        Assert.Contains(changes, c => c is { Kind: "unmanaged", Object: "database", Subject: "moXidp" });
        Assert.Contains(changes, c => c is { Kind: "unmanaged", Object: "user", Subject: "handmade_pg" });
        Assert.Contains(changes, c => c is { Kind: "unmanaged", Object: "grant", Subject: "handmade_pg on moXidp" } && c.Reason.StartsWith("CONNECT on moXidp"));
        Assert.Equal(3, changes.Count);

        Assert.Equal(0, (await stack.LocalAsync("plan")).ExitCode);
        Assert.Contains("0 statements executed", (await stack.LocalAsync("apply")).Out);
        Assert.Equal("moXidp", (await stack.PostgresAsync("SELECT datname FROM pg_database WHERE datname = 'moXidp'")).Trim());

        var prune = await stack.LocalAsync("apply", "--prune");
        Assert.True(prune.ExitCode == 0, prune.All);
        Assert.Contains("REVOKE CONNECT ON DATABASE \"moXidp\" FROM \"handmade_pg\"", prune.Out);
        Assert.Contains("DROP DATABASE IF EXISTS \"moXidp\"", prune.Out);
        Assert.Contains("DROP ROLE IF EXISTS \"handmade_pg\"", prune.Out);
        Assert.Equal("", (await stack.PostgresAsync("SELECT datname FROM pg_database WHERE datname = 'moXidp'")).Trim());
        Assert.Equal("", (await stack.PostgresAsync("SELECT rolname FROM pg_roles WHERE rolname = 'handmade_pg'")).Trim());
        Assert.Equal(0, (await stack.LocalAsync("drift")).ExitCode);
    }
}
