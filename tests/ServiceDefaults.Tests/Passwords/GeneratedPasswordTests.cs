using Rollout.ServiceDefaults.Passwords;

namespace Rollout.ServiceDefaults.Tests.Passwords;

public sealed class GeneratedPasswordTests
{
    [Fact]
    public void New_passwords_are_32_random_bytes_in_base64()
    {
        var first = GeneratedPassword.New().Reveal();
        Assert.Equal(32, Convert.FromBase64String(first).Length);
        Assert.NotEqual(first, GeneratedPassword.New().Reveal());
    }
}
