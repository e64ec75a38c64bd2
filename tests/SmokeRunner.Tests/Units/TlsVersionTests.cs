using Rollout.SmokeRunner.Checks;

namespace Rollout.SmokeRunner.Tests.Units;

public class TlsVersionTests
{
    [Theory]
    [InlineData("1.2", 1, 2)]
    [InlineData("TLSv1.3", 1, 3)]
    [InlineData("TLS 1.2", 1, 2)]
    [InlineData("TLSv1", 1, 0)]
    public void Server_and_policy_spellings_parse_to_one_version(string text, int major, int minor)
    {
        var version = SmokeSettings.ParseTlsVersion(text);

        Assert.Equal(new Version(major, minor), version);
    }

    [Fact]
    public void Tls_1_1_is_below_the_plans_minimum()
    {
        Assert.True(SmokeSettings.ParseTlsVersion("TLSv1.1") < SmokeSettings.ParseTlsVersion("1.2"));
        Assert.True(SmokeSettings.ParseTlsVersion("TLSv1.3") >= SmokeSettings.ParseTlsVersion("1.2"));
    }

    [Fact]
    public void A_text_without_a_version_is_rejected_with_the_text()
    {
        var error = Assert.Throws<FormatException>(() => SmokeSettings.ParseTlsVersion("SSLv3-ish"));
        Assert.Contains("'SSLv3-ish' is not a TLS version", error.Message);
    }
}
