using Rollout.Topology.Model;

namespace Rollout.Topology.Tests;

public class RealEstateTests
{
    private readonly Estate _estate = EstateFile.Load();

    [Fact]
    public void Holds_the_plans_17_databases_on_three_servers()
    {
        Assert.Equal(17, _estate.Databases.Count);
        Assert.Equal(["mo_main", "mo_votes", "mo_support", "mo_newsletter", "mo_forum"], _estate.DatabasesOn("plesk").Select(d => d.Name));
        Assert.Equal(["mo_crm", "mo_n8n", "mo_hooks", "mo_consent", "mo_games", "mo_analytics", "mo_api_stg", "mo_admin_stg", "mo_nextcloud"],
            _estate.DatabasesOn("external-mariadb").Select(d => d.Name));
        Assert.Equal(["mo_idp", "mo_grafana", "mo_discourse"], _estate.DatabasesOn("external-postgres").Select(d => d.Name));
    }

    [Fact]
    public void Each_database_has_its_own_service_user_named_after_it()
    {
        foreach (var db in _estate.Databases)
            Assert.Equal("svc_" + db.Name["mo_".Length..], db.User);
        Assert.Equal(17, _estate.Databases.Select(d => d.User).Distinct().Count());
    }

    [Fact]
    public void The_plesk_host_is_existing_and_the_others_are_managed()
    {
        Assert.True(_estate.Server("plesk").Existing);
        Assert.False(_estate.Server("external-mariadb").Existing);
        Assert.False(_estate.Server("external-postgres").Existing);
        Assert.True(_estate.Server("redis").Optional);
    }

    [Fact]
    public void New_databases_carry_the_plans_charset_and_locales()
    {
        foreach (var db in _estate.DatabasesOn("external-mariadb"))
            Assert.Equal(("utf8mb4", "utf8mb4_unicode_ci"), (db.Charset, db.Collation));
        var idp = _estate.Database("mo_idp");
        Assert.Equal(("UTF8", "de_AT.UTF-8", "de_AT.UTF-8"), (idp.Encoding, idp.LcCollate, idp.LcCtype));
        foreach (var name in new[] { "mo_grafana", "mo_discourse" })
            Assert.Equal("en_US.UTF-8", _estate.Database(name).LcCollate);
        Assert.All(_estate.DatabasesOn("external-postgres"), db => Assert.Equal(["uuid-ossp", "pgcrypto"], db.Extensions));
    }

    [Fact]
    public void Secret_names_are_the_plans()
    {
        Assert.Equal("MO_CRM_DB_PASS", _estate.Database("mo_crm").PasswordSecretName);
        Assert.Equal("MO_API_STG_DB_USER", _estate.Database("mo_api_stg").UserSecretName);
        Assert.Equal("PG_IDP_DB_PASS", _estate.Database("mo_idp").PasswordSecretName);
        Assert.Equal("PG_DISCOURSE_DB_USER", _estate.Database("mo_discourse").UserSecretName);
        Assert.Equal("MO_MAIN_DB_PASS", _estate.Database("mo_main").PasswordSecretName);
    }

    [Fact]
    public void Optional_databases_are_analytics_and_discourse_and_local_enables_them()
    {
        Assert.Equal(["mo_analytics", "mo_discourse"], _estate.Databases.Where(d => d.Optional).Select(d => d.Name));
        Assert.Equal(17, _estate.EnabledDatabases(_estate.Environment("local")).Count);
    }

    [Fact]
    public void Grants_backups_alerts_and_smoke_are_the_plans()
    {
        Assert.Equal(["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "INDEX", "REFERENCES", "DROP", "CREATE VIEW"], _estate.Grants.MariaDb);
        Assert.Equal(["7d", "4w", "12m"], _estate.Backup.Schedules.Select(s => s.Retention.ToString()));
        Assert.True(_estate.Backup.Schedules.Single(s => s.Name == "monthly").Offsite);
        var slow = _estate.Alerts.Single(a => a.Name == "SlowQueries");
        Assert.Equal((AlertSeverity.Warning, 100d, TimeSpan.FromMinutes(15)), (slow.Severity, slow.Threshold, slow.For));
        Assert.Equal(100, _estate.Smoke.LatencyThresholdMs);
        Assert.True(_estate.Tls.Required);
    }

    [Fact]
    public void Remote_environments_read_the_plans_variables()
    {
        var production = _estate.Environment("production");
        Assert.Equal("MYSQL_HOST", production.Servers["external-mariadb"].Host.VariableName);
        Assert.Equal("PG_PORT", production.Servers["external-postgres"].Port.VariableName);
        Assert.Equal("PLESK_SERVER_IP", production.AppServerIp.VariableName);
        Assert.Equal(["db-admins"], production.Github!.RequiredReviewers);
    }
}
