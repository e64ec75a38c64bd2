using Rollout.Provisioner.Engines.MariaDb;

namespace Rollout.Provisioner.Tests.Engines;

public sealed class MariaDbSyntaxTests
{
    [Theory]
    [InlineData("mo_crm", "`mo_crm`")]
    [InlineData("we`ird", "`we``ird`")]
    public void Identifiers_are_backticked_with_backticks_doubled(string name, string expected) =>
        Assert.Equal(expected, MariaDbSyntax.Identifier(name));

    [Theory]
    [InlineData("svc_crm", "'svc_crm'")]
    [InlineData("o'brien", "'o''brien'")]
    [InlineData("back\\slash", "'back\\\\slash'")]
    public void String_literals_escape_quotes_and_backslashes(string value, string expected) =>
        Assert.Equal(expected, MariaDbSyntax.Literal(value));

    [Theory]
    [InlineData("mo_crm", "mo\\_crm")]
    [InlineData("mo_api_stg", "mo\\_api\\_stg")]
    [InlineData("100%", "100\\%")]
    public void Grant_patterns_escape_the_wildcards(string database, string expected) =>
        Assert.Equal(expected, MariaDbSyntax.GrantPattern(database));

    [Theory]
    [InlineData("mo\\_crm", "mo_crm", true)]
    [InlineData("mo\\_crm", "moXcrm", false)]
    [InlineData("mo_crm", "moXcrm", true)]   // an unescaped grant is a wildcard: why we escape
    [InlineData("mo%", "mo_nextcloud", true)]
    [InlineData("mo%", "other", false)]
    [InlineData("mo\\_crm", "mo_crm2", false)]
    public void Grant_patterns_match_like_the_server_does(string pattern, string database, bool matches) =>
        Assert.Equal(matches, MariaDbSyntax.PatternMatches(pattern, database));

    [Theory]
    [InlineData("mo\\_crm", "mo_crm")]
    [InlineData("100\\%", "100%")]
    [InlineData("back\\\\slash", "back\\slash")]
    [InlineData("mo_crm", null)]   // unescaped: a wildcard, may cover many names
    [InlineData("mo%", null)]
    public void A_pattern_without_wildcards_stands_for_exactly_one_name(string pattern, string? name) =>
        Assert.Equal(name, MariaDbSyntax.LiteralName(pattern));
}
