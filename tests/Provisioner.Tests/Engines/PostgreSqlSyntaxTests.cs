using Rollout.Provisioner.Engines.PostgreSql;

namespace Rollout.Provisioner.Tests.Engines;

public sealed class PostgreSqlSyntaxTests
{
    [Theory]
    [InlineData("svc_idp", "\"svc_idp\"")]
    [InlineData("uuid-ossp", "\"uuid-ossp\"")]
    [InlineData("we\"ird", "\"we\"\"ird\"")]
    public void Identifiers_are_double_quoted_with_quotes_doubled(string name, string expected) =>
        Assert.Equal(expected, PostgreSqlSyntax.Identifier(name));

    [Fact]
    public void Literals_double_single_quotes_and_refuse_nul()
    {
        Assert.Equal("'it''s'", PostgreSqlSyntax.Literal("it's"));
        Assert.Throws<ArgumentException>(() => PostgreSqlSyntax.Literal("a\0b"));
    }

    [Theory]
    [InlineData("de_AT.UTF-8", "de_AT.utf8")]
    [InlineData("en_US.utf8", "en_US.UTF-8")]
    [InlineData("C", "C")]
    public void Locale_spellings_of_the_same_codeset_compare_equal(string a, string b) =>
        Assert.Equal(PostgreSqlSyntax.NormalizeLocale(a), PostgreSqlSyntax.NormalizeLocale(b));
}
