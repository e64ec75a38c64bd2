using System.Security.Cryptography;
using System.Text;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Secrets.Rotation;

/// <summary>Server-side password forms computed on the client, so a rotation never sends the plaintext.</summary>
public static class PasswordHashes
{
    /// <summary>A new service password: 32 random bytes, base64 (the plan's `openssl rand -base64 32`).</summary>
    public static Secret Generate() => new(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    /// <summary>PostgreSQL's SCRAM-SHA-256 verifier (RFC 5802/7677, as pg_authid.rolpassword stores it).</summary>
    public static string ScramSha256Verifier(Secret password, int iterations = 4096, byte[]? salt = null)
    {
        salt ??= RandomNumberGenerator.GetBytes(16);
        // Our passwords are base64 (ASCII), which SASLprep leaves unchanged.
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password.Reveal()), salt, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }

    /// <summary>MariaDB's mysql_native_password hash: '*' + UPPER(HEX(SHA1(SHA1(password)))).</summary>
    public static string MariaDbNativeHash(Secret password) =>
        "*" + Convert.ToHexString(SHA1.HashData(SHA1.HashData(Encoding.UTF8.GetBytes(password.Reveal()))));
}
