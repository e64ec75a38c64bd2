using System.Security.Cryptography;
using System.Text;
using Rollout.Provisioner.Engines.PostgreSql;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

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

    [Fact]
    public void The_SCRAM_verifier_reproduces_the_RFC_7677_example_exchange()
    {
        // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
        var verifier = ScramSha256Verifier.Create(new Secret("pencil"), Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        var keys = verifier.Split('$')[2].Split(':');
        var serverKey = Convert.FromBase64String(keys[1]);
        const string authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO," +
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096," +
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        var serverSignature = HMACSHA256.HashData(serverKey, Encoding.UTF8.GetBytes(authMessage));
        Assert.Equal("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", Convert.ToBase64String(serverSignature));

        var storedKey = Convert.FromBase64String(keys[0]);
        var clientProof = Convert.FromBase64String("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        var clientSignature = HMACSHA256.HashData(storedKey, Encoding.UTF8.GetBytes(authMessage));
        var clientKey = clientProof.Zip(clientSignature, (p, s) => (byte)(p ^ s)).ToArray();
        Assert.Equal(storedKey, SHA256.HashData(clientKey));
        Assert.StartsWith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$", verifier);
    }

    [Fact]
    public void Verifiers_match_their_password_only_and_use_a_fresh_16_byte_salt()
    {
        var password = new Secret("s3cret/+=");
        var first = ScramSha256Verifier.Create(password);
        var second = ScramSha256Verifier.Create(password);
        Assert.NotEqual(first, second);
        Assert.Equal(16, Convert.FromBase64String(first.Split('$')[1].Split(':')[1]).Length);
        Assert.True(ScramSha256Verifier.Matches(first, password));
        Assert.False(ScramSha256Verifier.Matches(first, new Secret("other")));
        Assert.False(ScramSha256Verifier.Matches("md5abcdef", password));
        Assert.False(ScramSha256Verifier.Matches("SCRAM-SHA-256$x:y$z", password));
    }
}
