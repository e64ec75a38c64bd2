using static Rollout.Topology.Tests.EstateFile;

namespace Rollout.Topology.Tests;

public class NetworkAndPolicyRuleTests
{
    [Theory]
    [InlineData("appServerIp: 127.0.0.1", "appServerIp: 127.0.0.300", "environments.local.appServerIp", "'127.0.0.300' is not an IP address")]
    [InlineData("appServerIp: 127.0.0.1", "appServerIp: 127.0.0.0/8", "environments.local.appServerIp", "'127.0.0.0/8' is not an IP address")]
    [InlineData("adminIps: [127.0.0.1]", "adminIps: [127.0.0.1/33]", "environments.local.adminIps[0]", "is not an IP address or CIDR network")]
    [InlineData("appServerIp: 127.0.0.1", "appServerIp: 127.1", "environments.local.appServerIp", "'127.1' is not an IP address")]
    public void Addresses_must_be_valid(string find, string replace, string path, string expected) =>
        SingleError(With(find, replace), path, expected);

    [Fact]
    public void A_CIDR_network_is_a_valid_admin_address()
    {
        var estate = Rollout.Topology.Loading.EstateLoader.LoadText(With("adminIps: [127.0.0.1]", "adminIps: [127.0.0.0/29, \"::1\"]"), "rollout.yaml");
        Assert.Equal(["127.0.0.0/29", "::1"], estate.Environment("local").AdminIps.Select(a => a.Raw));
    }

    [Theory]
    [InlineData("port: 23307", "port: 70000", "'70000' is not a port (1-65535).")]
    [InlineData("port: 23307", "port: http", "'http' is not a port (1-65535).")]
    public void Ports_must_be_valid(string find, string replace, string expected) =>
        SingleError(With(find, replace), "environments.local.servers.external-mariadb.port", expected);

    [Fact]
    public void Two_servers_on_one_port_clash()
    {
        SingleError(With("port: 25432", "port: 23307"), "environments.local.servers.external-postgres.port",
            "port 23307 on 127.0.0.1 is used by external-mariadb and external-postgres: give each server its own port.");
    }

    [Fact]
    public void A_local_environment_binds_to_loopback_only()
    {
        SingleError(With("external-mariadb:  { host: 127.0.0.1", "external-mariadb:  { host: 192.0.2.1"), "environments.local.servers.external-mariadb.host",
            "'192.0.2.1' is not a loopback address");
    }

    [Fact]
    public void A_local_environment_takes_literal_values()
    {
        SingleError(With("appServerIp: 127.0.0.1", "appServerIp: \"${PLESK_SERVER_IP}\""), "environments.local.appServerIp",
            "is a variable reference, but a local environment takes literal values.");
    }

    [Fact]
    public void A_malformed_variable_reference_is_an_error()
    {
        SingleError(With("host: \"${MYSQL_HOST}\", port: \"${MYSQL_PORT:-3306}\", adminUser: \"${MYSQL_ADMIN_USER}\", adminPassword: \"${MYSQL_ADMIN_PASS}\", caFile: \"${MYSQL_CA_FILE:-secrets/db-certs/ca-cert.pem}\" }\n      external-postgres: { host: \"${PG_HOST}\", port: \"${PG_PORT:-5432}\", adminUser: \"${PG_ADMIN_USER}\", adminPassword: \"${PG_ADMIN_PASS}\", caFile: \"${PG_CA_FILE:-secrets/db-certs/root.crt}\" }\n      redis:             { host: \"${REDIS_HOST:-}\", port: \"${REDIS_PORT:-6379}\" }\n    deploy:\n      sshHost: \"${SSH_HOST}\"",
            "host: \"${mysql_host}\", port: \"${MYSQL_PORT:-3306}\", adminUser: \"${MYSQL_ADMIN_USER}\", adminPassword: \"${MYSQL_ADMIN_PASS}\", caFile: \"${MYSQL_CA_FILE:-secrets/db-certs/ca-cert.pem}\" }\n      external-postgres: { host: \"${PG_HOST}\", port: \"${PG_PORT:-5432}\", adminUser: \"${PG_ADMIN_USER}\", adminPassword: \"${PG_ADMIN_PASS}\", caFile: \"${PG_CA_FILE:-secrets/db-certs/root.crt}\" }\n      redis:             { host: \"${REDIS_HOST:-}\", port: \"${REDIS_PORT:-6379}\" }\n    deploy:\n      sshHost: \"${SSH_HOST}\""),
            "environments.staging.servers.external-mariadb.host", "'${mysql_host}' is not a valid reference");
    }

    [Fact]
    public void A_password_written_into_the_file_is_an_error()
    {
        var yaml = With("adminPassword: \"${MYSQL_ADMIN_PASS}\"", "adminPassword: \"hunter2hunter2\"");
        var errors = Errors(yaml);
        Assert.Equal(2, errors.Count); // staging and production both carry it
        Assert.All(errors, e => Assert.Contains("a password must not be written into rollout.yaml", e.Message));
        Assert.All(errors, e => Assert.DoesNotContain("hunter2", e.Message));
    }

    [Fact]
    public void Admin_credentials_for_the_existing_plesk_host_are_refused()
    {
        var yaml = With("plesk:             { host: \"${PLESK_MYSQL_HOST:-localhost}\", port: \"${PLESK_MYSQL_PORT:-3306}\" }",
            "plesk:             { host: \"${PLESK_MYSQL_HOST:-localhost}\", port: \"${PLESK_MYSQL_PORT:-3306}\", adminUser: \"${PLESK_ROOT}\" }");
        var errors = Errors(yaml);
        Assert.All(errors, e => Assert.Contains("server 'plesk' is marked existing: Rollout never administers it", e.Message));
    }

    [Fact]
    public void A_new_user_host_on_a_managed_server_is_refused()
    {
        SingleError(With("user: svc_crm,", "user: svc_crm, userHost: \"%\","), "databases.mo_crm.userHost",
            "userHost is only for databases on existing servers");
    }

    [Fact]
    public void A_wildcard_host_is_refused()
    {
        SingleError(With("userHost: localhost, purpose: Hauptseite", "userHost: \"%\", purpose: Hauptseite"), "databases.mo_main.userHost",
            "'%' is a wildcard host");
    }

    [Fact]
    public void Creating_a_database_on_the_existing_host_is_refused()
    {
        SingleError(With("userHost: localhost, purpose: Hauptseite (WordPress/HTML) }", "userHost: localhost, purpose: Hauptseite (WordPress/HTML), charset: utf8mb4 }"),
            "databases.mo_main.charset", "'plesk' is an existing server: Rollout never creates or alters databases there");
    }

    [Fact]
    public void Firewalling_the_existing_host_is_refused()
    {
        SingleError(With("allowFromAppServer: [external-mariadb", "allowFromAppServer: [plesk, external-mariadb"), "firewall.allowFromAppServer",
            "server 'plesk' is marked existing: Rollout does not configure its firewall.");
    }

    [Fact]
    public void Production_needs_a_review_gate()
    {
        SingleError(With("requiredReviewers: [db-admins]", "requiredReviewers: []"), "environments.production.github",
            "production needs a review gate");
    }

    [Theory]
    [InlineData("\"0 2 * * *\"", "\"0 25 * * *\"", "backup.schedules.daily.cron", "is not a cron expression")]
    [InlineData("\"0 2 * * *\"", "\"every night\"", "backup.schedules.daily.cron", "is not a cron expression")]
    [InlineData("retention: 7d", "retention: 0d", "backup.schedules.daily.retention", "'0d' is not a retention period")]
    [InlineData("retention: 7d", "retention: 7 days", "backup.schedules.daily.retention", "'7 days' is not a retention period")]
    [InlineData("timezone: UTC", "timezone: Mars/Olympus", "backup.timezone", "unknown time zone 'Mars/Olympus'")]
    public void Backup_schedules_must_be_valid(string find, string replace, string path, string expected) =>
        SingleError(With(find, replace), path, expected);

    [Theory]
    [InlineData("threshold: 100,  for: 15m", "threshold: 100,  for: 15 minutes", "alerts[5].for", "'15 minutes' is not a duration")]
    [InlineData("metric: slow_queries_per_minute", "metric: slow_queries", "alerts[5].metric", "unknown metric 'slow_queries'")]
    [InlineData("op: \">\", threshold: 100,  for: 15m", "op: \"=>\", threshold: 100,  for: 15m", "alerts[5].op", "unknown comparison '=>'")]
    [InlineData("severity: warning,  metric: slow", "severity: urgent,  metric: slow", "alerts[5].severity", "unknown severity 'urgent'")]
    public void Alert_rules_must_be_valid(string find, string replace, string path, string expected) =>
        SingleError(With(find, replace), path, expected);

    [Fact]
    public void A_percentage_threshold_over_100_is_an_error()
    {
        SingleError(With("metric: disk_free_percent,       op: \"<\", threshold: 20", "metric: disk_free_percent,       op: \"<\", threshold: 120"),
            "alerts[3].threshold", "120 is out of range for disk_free_percent: allowed 0 to 100.");
    }

    [Fact]
    public void Administrative_privileges_are_refused()
    {
        SingleError(With("DROP, CREATE VIEW]", "DROP, CREATE VIEW, SUPER]"), "grants.mariadb[10]",
            "'SUPER' is not a privilege a service user may hold (least privilege)");
    }

    [Fact]
    public void An_unknown_engine_is_an_error()
    {
        SingleError(With("engine: postgresql", "engine: postgres"), "servers.external-postgres.engine", "unknown engine 'postgres'; allowed: mariadb, postgresql, redis.");
    }

    [Fact]
    public void Invalid_yaml_is_reported_with_its_position()
    {
        var error = Assert.Single(Errors("version: 1\nservers: [a, b\n"));
        Assert.Contains("not valid YAML", error.Message);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void A_missing_section_is_named()
    {
        var yaml = With("smoke:\n  latencyThresholdMs: 100\n  samples: 20\n", "");
        SingleError(yaml, "smoke", "is required: add 'smoke:'");
    }
}
