using Rollout.Topology.Loading;
using static Rollout.Topology.Tests.EstateFile;

namespace Rollout.Topology.Tests;

/// <summary>
/// Names are checked as the server will be given them (MariaDB's escaped grant pattern, account hosts), an existing
/// server without databases is refused, and a follow-on error is listed after the error that causes it.
/// </summary>
public class LimitAndCauseTests
{
    private const string Crm = "mo_crm:       { server: external-mariadb, user: svc_crm,       purpose: CRM (Drupal 10 + CiviCRM),       charset: utf8mb4, collation: utf8mb4_unicode_ci }";

    [Fact]
    public void A_64_character_MariaDB_name_with_underscores_is_refused_because_its_escaped_grant_pattern_is_longer()
    {
        var name = "shop_audit_" + new string('x', 53); // 64 characters: the database itself fits, `shop\_audit\_…` (66) does not
        Assert.Equal(64, name.Length);
        var yaml = With("mo_crm:  ", name + ":  ");

        var error = SingleError(yaml, $"databases.{name}", $"'{name}' is 64 characters, but GRANT … ON names it as the pattern 'shop\\_audit\\_");
        Assert.Contains("(66 characters", error.Message);
        Assert.Contains("MariaDB allows at most 64: shorten the name by 2 characters", error.Message);
        Assert.Equal(LineOf(yaml, name), error.Line);
        Assert.True(error.Column > 0);
        Assert.StartsWith($"rollout.yaml:{error.Line}:{error.Column}: databases.{name}: database name", error.ToString());
    }

    [Fact]
    public void A_MariaDB_name_whose_escaped_pattern_is_exactly_64_characters_is_accepted()
    {
        var name = "shop_audit_" + new string('x', 51); // 62 + 2 escapes = 64
        var estate = EstateLoader.LoadText(With("mo_crm:  ", name + ":  "), "rollout.yaml");
        Assert.Contains(estate.Databases, d => d.Name == name);
    }

    [Fact]
    public void The_grant_pattern_limit_does_not_apply_on_the_existing_server_where_nothing_is_granted()
    {
        var name = "mo_" + new string('m', 58) + "_x"; // 63 characters, pattern 65: the Plesk host already has it, Rollout grants nothing there
        var estate = EstateLoader.LoadText(With("mo_main:       {", name + ": {"), "rollout.yaml");
        Assert.Contains(estate.Databases, d => d.Name == name);
    }

    [Fact]
    public void A_MariaDB_account_host_longer_than_60_characters_is_refused()
    {
        var host = new string('h', 57) + ".net";
        SingleError(With("user: svc_main,       userHost: localhost", $"user: svc_main,       userHost: {host}"),
            "databases.mo_main.userHost", $"'{host}' is 61 characters; a MariaDB account host allows at most 60");
    }

    [Fact]
    public void An_existing_server_without_databases_is_refused_with_the_fix()
    {
        var yaml = With("  external-mariadb:\n    engine: mariadb\n",
            "  external-mariadb:\n    engine: mariadb\n  shop-plesk:\n    engine: mariadb\n    existing: true\n");

        var errors = Errors(yaml);

        var error = Assert.Single(errors, e => e.Path == "servers.shop-plesk");
        Assert.Contains("'shop-plesk' is an existing server without databases", error.Message);
        Assert.Contains("List its databases under databases: (server: shop-plesk), or remove the server.", error.Message);
        Assert.Equal(LineOf(yaml, "shop-plesk:") + 1, error.Line); // the server's mapping starts on the next line
    }

    [Fact]
    public void The_unknown_key_is_listed_before_the_required_setting_it_leaves_missing()
    {
        // Block style: the database's own line (where "collation is required" points) comes before the typo's line.
        var block = "mo_crm:\n    server: external-mariadb\n    user: svc_crm\n    charset: utf8mb4\n    colation: utf8mb4_unicode_ci\n  mo_n8n:";
        var yaml = With(Crm + "\n  mo_n8n:", block);

        var errors = Errors(yaml);

        Assert.Equal(["databases.mo_crm.colation", "databases.mo_crm"], errors.Select(e => e.Path));
        Assert.Contains("unknown key 'colation' (did you mean 'collation'?)", errors[0].Message);
        Assert.Contains("collation is required", errors[1].Message);
        Assert.Contains("follows from databases.mo_crm.colation above", errors[1].Message);
    }

    [Fact]
    public void Unrelated_errors_keep_file_order()
    {
        var yaml = With(Crm, Crm.Replace("colation", "collation").Replace("charset: utf8mb4", "charset: utf9"))
            .Replace("minVersion: \"1.2\"", "minVersion: \"1.0\"", StringComparison.Ordinal);

        var errors = Errors(yaml);

        Assert.Equal(errors.OrderBy(e => e.Line).ThenBy(e => e.Column), errors);
    }
}
