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

    /// <summary>After the plan's list: the monitoring account's password per managed server (issue 11), Redis where enabled.</summary>
    public static string[] MonitoringPasswords(bool redis) =>
        ["EXTERNAL_MARIADB_MONITOR_PASS", "EXTERNAL_POSTGRES_MONITOR_PASS", .. redis ? new[] { "REDIS_MONITOR_PASS" } : []];

    /// <summary>Production's catalogue: the plan's list without Redis (production disables it), then the monitoring passwords.</summary>
    public static string[] Production => [.. PlanPhase4Production.Where(n => !n.StartsWith("REDIS_", StringComparison.Ordinal)), .. MonitoringPasswords(redis: false)];

    [Fact]
    public void Production_catalogue_is_the_plans_list_without_redis_which_production_disables()
    {
        var catalogue = SecretCatalogue.For(Estate(), "production");
        // The plan marks REDIS_HOST "optional"; rollout.yaml says `redis: false` for production.
        Assert.Equal(Production, catalogue.Names);
        Assert.Empty(catalogue.Problems);
    }

    [Fact]
    public void Staging_catalogue_is_the_plans_list_exactly_including_redis()
    {
        var catalogue = SecretCatalogue.For(Estate(), "staging");
        Assert.Equal([.. PlanPhase4Production, .. MonitoringPasswords(redis: true)], catalogue.Names);
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
        Assert.Equal(PlanPhase4Production.Length - 2 - 4 + MonitoringPasswords(redis: false).Length, names.Count);
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
