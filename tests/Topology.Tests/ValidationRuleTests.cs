using static Rollout.Topology.Tests.EstateFile;

namespace Rollout.Topology.Tests;

/// <summary>Every validation rule, each triggered by one bad input, with the message users see.</summary>
public class ValidationRuleTests
{
    private const string Crm = "mo_crm:       { server: external-mariadb, user: svc_crm,       purpose: CRM (Drupal 10 + CiviCRM),       charset: utf8mb4, collation: utf8mb4_unicode_ci }";

    [Fact]
    public void Unknown_key_is_an_error_that_suggests_the_right_one()
    {
        var yaml = With(Crm, Crm.Replace("collation:", "colation:"));
        var errors = Errors(yaml);
        var typo = Assert.Single(errors, e => e.Path == "databases.mo_crm.colation");
        Assert.Contains("unknown key 'colation' (did you mean 'collation'?)", typo.Message);
        Assert.Equal(LineOf(yaml, "mo_crm:"), typo.Line);
        // The typo also leaves the required collation missing: both are reported at once, the cause first.
        var required = Assert.Single(errors, e => e.Path == "databases.mo_crm" && e.Message.Contains("collation is required"));
        Assert.True(errors.ToList().IndexOf(typo) < errors.ToList().IndexOf(required), string.Join("\n", errors));
    }

    [Fact]
    public void Error_text_names_file_line_column_and_path()
    {
        var yaml = With("minVersion: \"1.2\"", "minVersion: \"1.0\"");
        var error = SingleError(yaml, "tls.minVersion", "'1.0' is not allowed: TLS 1.2 or 1.3");
        Assert.Equal($"rollout.yaml:{LineOf(yaml, "minVersion")}:15: tls.minVersion: '1.0' is not allowed: TLS 1.2 or 1.3 (older versions are broken).", error.ToString());
    }

    [Fact]
    public void All_errors_are_reported_at_once()
    {
        var yaml = With("minVersion: \"1.2\"", "minVersion: \"1.0\"")
            .Replace("latencyThresholdMs: 100", "latencyThresholdMs: -5", StringComparison.Ordinal)
            .Replace("retention: 4w", "retention: 4y", StringComparison.Ordinal);
        var errors = Errors(yaml);
        Assert.Equal(3, errors.Count);
        Assert.Equal(["backup.schedules.weekly.retention", "smoke.latencyThresholdMs", "tls.minVersion"], errors.Select(e => e.Path).Order());
        Assert.Equal(errors.OrderBy(e => e.Line), errors); // reported in file order
    }

    [Theory]
    [InlineData("user: svc_crm,", "user: svc-crm,", "databases.mo_crm.user", "may use only lower-case letters, digits and _")]
    [InlineData("user: svc_crm,", "user: \"svc_crm`; DROP\",", "databases.mo_crm.user", "may use only lower-case letters, digits and _")]
    [InlineData("mo_crm:       {", "Mo_Crm:       {", "databases.Mo_Crm", "may use only lower-case letters")]
    public void Identifiers_allow_no_quoting_tricks(string find, string replace, string path, string expected)
    {
        var yaml = Errors(With(Crm, Crm.Replace(find, replace)));
        Assert.Contains(yaml, e => e.Path == path && e.Message.Contains(expected));
    }

    [Fact]
    public void MariaDb_database_names_are_limited_to_64_characters()
    {
        var name = "mo_" + new string('x', 62);
        SingleError(With("mo_crm:  ", name + ":  "), $"databases.{name}", "is 65 characters; MariaDB database names allow at most 64");
    }

    [Fact]
    public void MariaDb_user_names_are_limited_to_80_characters()
    {
        var user = "svc_" + new string('u', 77);
        SingleError(With("user: svc_crm,", $"user: {user},"), "databases.mo_crm.user", "is 81 characters; MariaDB user names allow at most 80");
    }

    [Fact]
    public void PostgreSql_names_are_limited_to_63_bytes()
    {
        var user = "svc_" + new string('p', 60);
        SingleError(With("user: svc_idp", $"user: {user}"), "databases.mo_idp.user", "is 64 bytes; PostgreSQL identifiers allow at most 63 (longer ones are silently truncated)");
    }

    [Fact]
    public void Duplicate_database_names_are_an_error()
    {
        var errors = Errors(With("  mo_n8n:  ", "  mo_crm:  "));
        var error = Assert.Single(errors);
        Assert.Contains("duplicate key mo_crm", error.Message);
        Assert.Equal(40, error.Line);
    }

    [Fact]
    public void Duplicate_user_names_are_an_error()
    {
        SingleError(With("user: svc_n8n,", "user: svc_crm,"), "databases.mo_n8n.user", "user 'svc_crm' already owns database 'mo_crm': one service user per database.");
    }

    [Fact]
    public void A_user_owning_databases_on_two_engines_is_an_error()
    {
        SingleError(With("user: svc_idp", "user: svc_crm"), "databases.mo_idp.user",
            "user 'svc_crm' owns databases on two engines (mo_crm on MariaDb, mo_idp on PostgreSql)");
    }

    [Fact]
    public void A_collation_of_another_charset_is_an_error()
    {
        SingleError(With(Crm, Crm.Replace("utf8mb4_unicode_ci", "latin1_swedish_ci")), "databases.mo_crm.collation",
            "collation 'latin1_swedish_ci' does not belong to charset utf8mb4: use a utf8mb4_* collation such as utf8mb4_unicode_ci.");
    }

    [Fact]
    public void An_unknown_charset_is_an_error()
    {
        SingleError(With(Crm, Crm.Replace("charset: utf8mb4", "charset: utf9")), "databases.mo_crm.charset", "unknown charset 'utf9'");
    }

    [Fact]
    public void PostgreSql_settings_on_a_MariaDb_database_are_an_error()
    {
        SingleError(With(Crm, Crm.Replace("charset: utf8mb4,", "charset: utf8mb4, lcCollate: de_AT.UTF-8,")), "databases.mo_crm.lcCollate",
            "lcCollate is a PostgreSQL setting; 'external-mariadb' is a MariaDB server: use charset and collation.");
    }

    [Fact]
    public void MariaDb_settings_on_a_PostgreSql_database_are_an_error()
    {
        SingleError(With("    lcCollate: de_AT.UTF-8\n", "    lcCollate: de_AT.UTF-8\n    collation: utf8mb4_unicode_ci\n"), "databases.mo_idp.collation",
            "collation is a MariaDB setting; 'external-postgres' is a PostgreSQL server");
    }

    [Theory]
    [InlineData("de_AT", "locale 'de_AT' names no codeset (on Debian that means ISO-8859-1), which does not match encoding UTF8: use de_AT.UTF-8.")]
    [InlineData("German_Austria.1252", "is not a locale name")]
    [InlineData("de_AT.ISO-8859-1", "locale 'de_AT.ISO-8859-1' uses ISO-8859-1, which does not match encoding UTF8: use de_AT.UTF-8.")]
    public void Locales_of_the_wrong_form_are_an_error(string locale, string expected)
    {
        SingleError(With("    lcCollate: de_AT.UTF-8\n", $"    lcCollate: {locale}\n"), "databases.mo_idp.lcCollate", expected);
    }

    [Fact]
    public void An_unknown_encoding_is_an_error()
    {
        SingleError(With("    encoding: UTF8\n    lcCollate: de_AT", "    encoding: UTF-16\n    lcCollate: de_AT"), "databases.mo_idp.encoding", "unknown encoding 'UTF-16'");
    }

    [Fact]
    public void A_new_database_without_its_charset_is_an_error()
    {
        var errors = Errors(With(Crm, Crm.Replace("charset: utf8mb4, collation: utf8mb4_unicode_ci", "optional: false")));
        Assert.Equal(["charset is required for a new MariaDB database (the plan: utf8mb4).", "collation is required for a new MariaDB database (the plan: utf8mb4_unicode_ci)."],
            errors.Select(e => e.Message));
        Assert.All(errors, e => Assert.Equal("databases.mo_crm", e.Path));
    }

    [Fact]
    public void A_reference_to_an_undefined_server_is_an_error()
    {
        SingleError(With(Crm, Crm.Replace("server: external-mariadb", "server: external-mysql")), "databases.mo_crm.server",
            "server 'external-mysql' is not defined; defined servers: plesk, external-mariadb, external-postgres, redis.");
    }

    [Fact]
    public void An_undefined_server_in_an_environment_is_an_error()
    {
        SingleError(With("      external-postgres: { host: 127.0.0.1, port: 25432 }", "      external-postgres: { host: 127.0.0.1, port: 25432 }\n      postgres-2: { host: 127.0.0.1, port: 25433 }"),
            "environments.local.servers.postgres-2", "server 'postgres-2' is not defined");
    }

    [Fact]
    public void A_server_without_an_endpoint_is_an_error()
    {
        SingleError(With("      external-postgres: { host: 127.0.0.1, port: 25432 }\n", ""), "environments.local.servers",
            "server 'external-postgres' has no endpoint in environment 'local'");
    }

    [Fact]
    public void An_undefined_optional_database_is_an_error()
    {
        var yaml = With("    optionalDatabases: [mo_analytics, mo_discourse]\n    redis: true\n    servers:\n      plesk:             { host: 127.0.0.1",
            "    optionalDatabases: [mo_analytics, mo_discurse]\n    redis: true\n    servers:\n      plesk:             { host: 127.0.0.1");
        SingleError(yaml, "environments.local.optionalDatabases", "database 'mo_discurse' is not defined");
    }

    [Fact]
    public void Enabling_a_database_that_is_not_optional_is_an_error()
    {
        var yaml = With("    optionalDatabases: [mo_analytics, mo_discourse]\n    redis: true\n    servers:\n      plesk:             { host: 127.0.0.1",
            "    optionalDatabases: [mo_crm]\n    redis: true\n    servers:\n      plesk:             { host: 127.0.0.1");
        SingleError(yaml, "environments.local.optionalDatabases", "database 'mo_crm' is not optional");
    }
}
