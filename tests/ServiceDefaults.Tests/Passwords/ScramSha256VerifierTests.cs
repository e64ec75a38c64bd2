using System.Security.Cryptography;
using System.Text;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Tests.Passwords;

/// <summary>The verifier's computation; that PostgreSQL accepts it is shown on a real server by the Provisioner's rotation and apply tests.</summary>
public sealed class ScramSha256VerifierTests
{
    [Fact]
    public void The_verifier_reproduces_the_RFC_7677_example_exchange()
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
    public void The_verifier_matches_an_independent_computation_for_a_fixed_salt() =>
        // Computed with Python's hashlib/hmac (RFC 5802: PBKDF2-HMAC-SHA-256, StoredKey = H(HMAC(salted, "Client Key"))).
        Assert.Equal("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$zHCdol2044/ZyWzPLi7oxApCkamKw9Z+E4U/QApd/5Y=:dd5peBOitVnLNFu7VmwP+HiDaaw4OUCv396eVCWhYiE=",
            ScramSha256Verifier.Create(new Secret("pencil"), [.. Enumerable.Range(0, 16).Select(i => (byte)i)], 4096));

    [Fact]
    public void The_verifier_has_PostgreSQLs_format_a_fresh_16_byte_salt_each_time_and_no_plaintext()
    {
        var password = new Secret("pencil");
        var first = ScramSha256Verifier.Create(password);
        var second = ScramSha256Verifier.Create(password);
        Assert.Matches(@"^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$", first);
        Assert.NotEqual(first, second);
        Assert.Equal(16, Convert.FromBase64String(first.Split('$')[1].Split(':')[1]).Length);
        Assert.DoesNotContain("pencil", first);
    }

    [Fact]
    public void Verifiers_match_their_password_only_and_malformed_ones_nothing()
    {
        var password = new Secret("s3cret/+=");
        var verifier = ScramSha256Verifier.Create(password);
        Assert.True(ScramSha256Verifier.Matches(verifier, password));
        Assert.False(ScramSha256Verifier.Matches(verifier, new Secret("other")));
        Assert.False(ScramSha256Verifier.Matches("md5abcdef", password));
        Assert.False(ScramSha256Verifier.Matches("SCRAM-SHA-256$x:y$z", password));
        Assert.False(ScramSha256Verifier.Matches(null, password));
    }
}
