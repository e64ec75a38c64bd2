using Rollout.Topology.Model;
using Sodium;

namespace Rollout.Provisioner.Secrets.GitHub;

/// <summary>GitHub's secret encryption: a libsodium sealed box for the environment's Curve25519 public key.</summary>
public static class SealedBox
{
    public static string Encrypt(Secret value, string base64PublicKey)
    {
        var publicKey = Convert.FromBase64String(base64PublicKey);
        if (publicKey.Length != 32)
            throw new GitHubAccessException($"GitHub returned a public key of {publicKey.Length} bytes; a Curve25519 key has 32.");
        var sealedBox = SealedPublicKeyBox.Create(System.Text.Encoding.UTF8.GetBytes(value.Reveal()), publicKey);
        return Convert.ToBase64String(sealedBox);
    }
}
