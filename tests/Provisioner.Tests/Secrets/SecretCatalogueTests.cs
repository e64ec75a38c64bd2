using Rollout.Topology.Secrets;
using static Rollout.Provisioner.Tests.Secrets.SecretsTestSupport;

namespace Rollout.Provisioner.Tests.Secrets;

public class SecretCatalogueTests
{
    /// <summary>The plan's phase 4 list for `production`, name by name, in the plan's order (seed 000, "GitHub Secrets Struktur").</summary>
    public static readonly string[] PlanPhase4Production =
    [
        "SSH_HOST", "SSH_PORT", "SSH_USER", "SSH_PRIVATE_KEY", "SSH_TARGET_DIR",
        "MYSQL_HOST", "MYSQL_PORT", "PG_HOST", "PG_PORT", "REDIS_HOST", "REDIS_PORT",
        "MO_MAIN_DB_USER", "MO_MAIN_DB_PASS", "MO_VOTES_DB_USER", "MO_VOTES_DB_PASS", "MO_SUPPORT_DB_USER", "MO_SUPPORT_DB_PASS",
        "MO_NEWSLETTER_DB_USER", "MO_NEWSLETTER_DB_PASS", "MO_FORUM_DB_USER", "MO_FORUM_DB_PASS",
        "MO_CRM_DB_USER", "MO_CRM_DB_PASS", "MO_N8N_DB_USER", "MO_N8N_DB_PASS", "MO_HOOKS_DB_USER", "MO_HOOKS_DB_PASS",
        "MO_CONSENT_DB_USER", "MO_CONSENT_DB_PASS", "MO_GAMES_DB_USER", "MO_GAMES_DB_PASS", "MO_ANALYTICS_DB_USER", "MO_ANALYTICS_DB_PASS",
        "MO_API_STG_DB_USER", "MO_API_STG_DB_PASS", "MO_ADMIN_STG_DB_USER", "MO_ADMIN_STG_DB_PASS", "MO_NEXTCLOUD_DB_USER", "MO_NEXTCLOUD_DB_PASS",
        "PG_IDP_DB_USER", "PG_IDP_DB_PASS", "PG_GRAFANA_DB_USER", "PG_GRAFANA_DB_PASS", "PG_DISCOURSE_DB_USER", "PG_DISCOURSE_DB_PASS",
    ];

    /// <summary>
    /// The backup system's secrets of a remote environment, after the plan's list: the dump account's password per managed
    /// server, the repository's location and key, the offsite repository's location and key (a monthly tier is offsite).
    /// </summary>
    public static readonly string[] BackupRemote =
    [
        "EXTERNAL_MARIADB_BACKUP_PASS", "EXTERNAL_POSTGRES_BACKUP_PASS",
        "BACKUP_REPOSITORY", "BACKUP_REPOSITORY_PASSWORD", "BACKUP_OFFSITE_REPOSITORY", "BACKUP_OFFSITE_PASSWORD",
    ];

    /// <summary>After the backup secrets: the monitoring account's password per managed server (issue 11), Redis where enabled.</summary>
    public static string[] MonitoringPasswords(bool redis) =>
        ["EXTERNAL_MARIADB_MONITOR_PASS", "EXTERNAL_POSTGRES_MONITOR_PASS", .. redis ? new[] { "REDIS_MONITOR_PASS" } : []];

    /// <summary>Production's full catalogue: the plan's list without Redis (production disables it), then the backup secrets, then the monitoring passwords.</summary>
    public static IEnumerable<string> ProductionNames =>
        [.. PlanPhase4Production.Where(n => !n.StartsWith("REDIS_", StringComparison.Ordinal)), .. BackupRemote, .. MonitoringPasswords(redis: false)];

    [Fact]
    public void Production_catalogue_is_the_plans_list_without_redis_which_production_disables_then_the_backup_secrets()
    {
        var catalogue = SecretCatalogue.For(Estate(), "production");
        // The plan marks REDIS_HOST "optional"; rollout.yaml says `redis: false` for production.
        Assert.Equal(PlanPhase4Production.Where(n => !n.StartsWith("REDIS_", StringComparison.Ordinal)), catalogue.Names.Take(PlanPhase4Production.Length - 2));
        Assert.Equal(ProductionNames, catalogue.Names);
        Assert.Empty(catalogue.Problems);
    }

    [Fact]
    public void Staging_catalogue_is_the_plans_list_exactly_including_redis_then_the_backup_secrets()
    {
        var catalogue = SecretCatalogue.For(Estate(), "staging");
        Assert.Equal([.. PlanPhase4Production, .. BackupRemote, .. MonitoringPasswords(redis: true)], catalogue.Names);
    }

    [Fact]
    public void Backup_secrets_come_from_the_estates_backup_section()
    {
        var catalogue = SecretCatalogue.For(Estate(), "production");
        var account = catalogue.Find("EXTERNAL_MARIADB_BACKUP_PASS")!;
        Assert.Equal(SecretOriginKind.OperationalCredential, account.Origin);
        Assert.True(account.IsCredential);
        Assert.Equal("external-mariadb", account.Server!.Name);
        Assert.Equal("password of the dump account rollout_backup on external-mariadb", account.Purpose);
        Assert.True(catalogue.Find("BACKUP_REPOSITORY_PASSWORD")!.IsCredential);
        var location = catalogue.Find("BACKUP_REPOSITORY")!;
        Assert.Equal(SecretOriginKind.Setting, location.Origin);
        Assert.False(location.IsCredential);
        Assert.Equal("/var/backups/rollout/restic", location.Setting!.DefaultValue);
        // No dump account on the existing Plesk server, which Rollout never alters.
        Assert.DoesNotContain(catalogue.Names, n => n.StartsWith("PLESK", StringComparison.Ordinal) && n.EndsWith("_BACKUP_PASS", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_an_offsite_tier_the_offsite_secrets_are_gone_and_local_has_keys_but_no_locations()
    {
        var names = SecretCatalogue.For(EstateWith("type: full, offsite: true }", "type: full }"), "production").Names.ToList();
        Assert.DoesNotContain("BACKUP_OFFSITE_PASSWORD", names);
        Assert.DoesNotContain("BACKUP_OFFSITE_REPOSITORY", names);
        Assert.Contains("BACKUP_REPOSITORY_PASSWORD", names);
        // Locally the repository lives in the state directory: keys and account passwords only, after the plan's names.
        var local = SecretCatalogue.For(Estate(), "local").Names.ToList();
        Assert.Equal(["EXTERNAL_MARIADB_BACKUP_PASS", "EXTERNAL_POSTGRES_BACKUP_PASS", "BACKUP_REPOSITORY_PASSWORD", "BACKUP_OFFSITE_PASSWORD", .. MonitoringPasswords(redis: true)],
            local.TakeLast(7));
    }

    [Fact]
    public void Sources_come_from_the_estate()
    {
        var catalogue = SecretCatalogue.For(Estate(), "production");
        Assert.Equal("environments.production.deploy.sshHost", catalogue.Find("SSH_HOST")!.OriginPath);
        Assert.Equal(SecretOriginKind.PrivateKey, catalogue.Find("SSH_PRIVATE_KEY")!.Origin);
        Assert.Equal("external-mariadb", catalogue.Find("MYSQL_HOST")!.Server!.Name);
        Assert.Equal("svc_crm", catalogue.Find("MO_CRM_DB_USER")!.Literal);
        Assert.Equal(SecretOriginKind.ServicePassword, catalogue.Find("PG_IDP_DB_PASS")!.Origin);
        Assert.True(catalogue.Find("PG_IDP_DB_PASS")!.IsCredential);
        Assert.False(catalogue.Find("MO_CRM_DB_USER")!.IsCredential);
    }

    [Fact]
    public void Optional_databases_appear_only_where_enabled()
    {
        var estate = EstateWith("optionalDatabases: [mo_analytics, mo_discourse]\n    redis: false", "optionalDatabases: []\n    redis: false");
        var names = SecretCatalogue.For(estate, "production").Names.ToList();
        Assert.DoesNotContain("MO_ANALYTICS_DB_PASS", names);
        Assert.DoesNotContain("PG_DISCOURSE_DB_USER", names);
        Assert.Contains("MO_CRM_DB_PASS", names);
        Assert.Equal(PlanPhase4Production.Length - 2 - 4 + BackupRemote.Length + MonitoringPasswords(redis: false).Length, names.Count);
    }

    [Fact]
    public void A_database_added_to_the_estate_adds_its_two_secrets()
    {
        var estate = EstateWith("  mo_nextcloud: {", "  mo_wiki:      { server: external-mariadb, user: svc_wiki, purpose: Wiki, charset: utf8mb4, collation: utf8mb4_unicode_ci }\n  mo_nextcloud: {");
        var names = SecretCatalogue.For(estate, "production").Names.ToList();
        Assert.Contains("MO_WIKI_DB_USER", names);
        Assert.Contains("MO_WIKI_DB_PASS", names);
    }

    [Fact]
    public void Local_has_no_deploy_secrets_and_borrows_the_remote_names_for_its_literal_endpoints()
    {
        var catalogue = SecretCatalogue.For(Estate(), "local");
        Assert.DoesNotContain("SSH_HOST", catalogue.Names);
        Assert.Equal(["MYSQL_HOST", "MYSQL_PORT", "PG_HOST", "PG_PORT", "REDIS_HOST", "REDIS_PORT"], catalogue.Names.Take(6));
        Assert.Equal("127.0.0.1", catalogue.Find("MYSQL_HOST")!.Setting!.Raw);
        Assert.Empty(catalogue.Problems);
    }
}
