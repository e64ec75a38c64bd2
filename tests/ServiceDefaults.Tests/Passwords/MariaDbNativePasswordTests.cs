using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Tests.Passwords;

/// <summary>
/// The expected hashes are what MariaDB 10.11 returns for SELECT PASSWORD(…) and stores as
/// authentication_string for IDENTIFIED BY …; the Provisioner's rotation tests compare with a live server.
/// </summary>
public sealed class MariaDbNativePasswordTests
{
    [Fact]
    public void A_stored_hash_matches_its_password_only_in_either_hex_case()
    {
        Assert.True(MariaDbNativePassword.Matches("*d821809f681a40a6e379b50d0463efae20bdd122", new Secret("pw")));
        Assert.False(MariaDbNativePassword.Matches("*D821809F681A40A6E379B50D0463EFAE20BDD122", new Secret("pw2")));
        Assert.False(MariaDbNativePassword.Matches("", new Secret("")));
        Assert.False(MariaDbNativePassword.Matches(null, new Secret("pw")));
    }

    [Theory]
    [InlineData("pw", "*D821809F681A40A6E379B50D0463EFAE20BDD122")]
    [InlineData("password", "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19")]
    [InlineData("secret", "*14E65567ABDB5135D0CFD9A70B3032C179A49EE7")]
    public void The_hash_is_what_MariaDB_stores_for_the_password(string password, string stored) =>
        Assert.Equal(stored, MariaDbNativePassword.Hash(new Secret(password)));
}
