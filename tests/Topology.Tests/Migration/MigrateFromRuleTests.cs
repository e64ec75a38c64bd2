using Rollout.Topology.Loading;
using static Rollout.Topology.Tests.EstateFile;

namespace Rollout.Topology.Tests.Migration;

/// <summary>`migrateFrom`: a database that moves off the existing Plesk host to a managed server.</summary>
public class MigrateFromRuleTests
{
    private const string Votes = "mo_votes:      { server: plesk, user: svc_votes,      userHost: localhost, purpose: Voting-System }";

    private static string Moved(string server, string from) =>
        $"mo_votes:      {{ server: {server}, migrateFrom: {from}, user: svc_votes, purpose: Voting-System, charset: utf8mb4, collation: utf8mb4_unicode_ci }}";

    [Fact]
    public void A_database_moved_from_plesk_to_the_external_mariadb_loads_with_its_source()
    {
        var estate = EstateLoader.LoadText(With(Votes, Moved("external-mariadb", "plesk")), "rollout.yaml");
        var votes = estate.Databases.Single(d => d.Name == "mo_votes");
        Assert.Equal("external-mariadb", votes.ServerName);
        Assert.Equal("plesk", votes.MigrateFrom);
        Assert.True(votes.IsMigration);
        Assert.DoesNotContain(estate.Databases.Where(d => d.Name != "mo_votes"), d => d.IsMigration);
    }

    [Theory]
    [InlineData("external-mariadb", "nowhere", "server 'nowhere' is not defined")]
    [InlineData("external-mariadb", "external-mariadb", "is the database's own server")]
    [InlineData("external-postgres", "plesk", "'plesk' is MariaDb but 'external-postgres' is PostgreSql")]
    public void A_wrong_pair_is_named_at_its_line(string server, string from, string expected)
    {
        var yaml = With(Votes, Moved(server, from));
        var errors = Errors(yaml);
        var error = Assert.Single(errors, e => e.Path == "databases.mo_votes.migrateFrom");
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(LineOf(yaml, "mo_votes:"), error.Line);
    }

    [Fact]
    public void The_source_must_be_the_existing_server()
    {
        var yaml = With(Votes, "mo_votes:      { server: plesk, migrateFrom: external-mariadb, user: svc_votes, userHost: localhost, purpose: Voting-System }");
        var errors = Errors(yaml);
        Assert.Contains(errors, e => e.Path == "databases.mo_votes.migrateFrom" && e.Message.Contains("'external-mariadb' is a managed server", StringComparison.Ordinal));
    }
}
