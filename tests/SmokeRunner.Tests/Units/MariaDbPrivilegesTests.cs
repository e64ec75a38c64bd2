using Rollout.SmokeRunner.Engines.MariaDb;

namespace Rollout.SmokeRunner.Tests.Units;

public class MariaDbPrivilegesTests
{
    private static readonly string[] Plan = ["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "INDEX", "REFERENCES", "DROP", "CREATE VIEW"];

    private static List<HeldPrivilege> Held(string schema, IEnumerable<string> privileges, string user = "svc_crm") =>
        privileges.Select(p => new HeldPrivilege(user, "127.0.0.1", schema, p, false))
            .Append(new HeldPrivilege(user, "127.0.0.1", null, "USAGE", false)).ToList();

    [Theory]
    [InlineData(@"mo\_crm", "mo_crm")]
    [InlineData(@"mo\_api\_stg", "mo_api_stg")]
    [InlineData("plain", "plain")]
    [InlineData(@"mo_crm", null)]
    [InlineData(@"mo\_%", null)]
    public void Escaped_patterns_name_one_database_and_wildcards_none(string pattern, string? database) =>
        Assert.Equal(database, MariaDbPrivileges.LiteralDatabase(pattern));

    [Fact]
    public void Exactly_the_plans_list_on_the_own_database_is_sound() =>
        Assert.Empty(MariaDbPrivileges.Problems("svc_crm", "mo_crm", Held(@"mo\_crm", Plan), Plan, exact: true));

    [Fact]
    public void An_extra_privilege_is_named()
    {
        var problems = MariaDbPrivileges.Problems("svc_crm", "mo_crm", Held(@"mo\_crm", Plan.Append("EXECUTE")), Plan, exact: true);

        Assert.Equal("svc_crm holds EXECUTE on mo_crm beyond the plan", Assert.Single(problems));
    }

    [Fact]
    public void A_missing_privilege_fails_only_for_managed_users()
    {
        var held = Held(@"mo\_crm", Plan.Where(p => p != "DROP"));

        Assert.Contains("svc_crm lacks DROP on mo_crm (the plan grants them)", MariaDbPrivileges.Problems("svc_crm", "mo_crm", held, Plan, exact: true));
        Assert.Empty(MariaDbPrivileges.Problems("svc_crm", "mo_crm", held, Plan, exact: false));
    }

    [Fact]
    public void Privileges_on_another_database_a_wildcard_or_globally_are_named()
    {
        var held = Held(@"mo\_crm", Plan)
            .Append(new HeldPrivilege("svc_crm", "127.0.0.1", @"mo\_n8n", "SELECT", false))
            .Append(new HeldPrivilege("svc_crm", "127.0.0.1", "mo_crm", "SELECT", false))
            .Append(new HeldPrivilege("svc_crm", "127.0.0.1", null, "PROCESS", false))
            .Append(new HeldPrivilege("svc_crm", "127.0.0.1", @"mo\_crm", "SELECT", true))
            .ToList();

        var problems = MariaDbPrivileges.Problems("svc_crm", "mo_crm", held, Plan, exact: true);

        Assert.Contains("svc_crm holds privileges on mo_n8n, not its own database mo_crm", problems);
        Assert.Contains("svc_crm holds privileges on the wildcard pattern `mo_crm` (matches other databases; escape _ and %)", problems);
        Assert.Contains("svc_crm@127.0.0.1 holds global PROCESS", problems);
        Assert.Contains(@"svc_crm@127.0.0.1 holds SELECT WITH GRANT OPTION on mo\_crm", problems);
    }

    [Theory]
    [InlineData("'svc_crm'@'127.0.0.1'", "svc_crm", "127.0.0.1")]
    [InlineData("'PUBLIC'@''", "PUBLIC", "")]
    [InlineData("'o''brien'@'%'", "o'brien", "%")]
    public void Grantees_split_into_user_and_host(string grantee, string user, string host) =>
        Assert.Equal((user, host), MariaDbPrivileges.ParseGrantee(grantee));

    [Fact]
    public void A_grantee_of_another_shape_is_not_guessed() =>
        Assert.Null(MariaDbPrivileges.ParseGrantee("svc_crm@127.0.0.1"));
}
