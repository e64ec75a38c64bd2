using System.Security.Cryptography;
using System.Text;
using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Secrets;

/// <summary>
/// SCRAM-SHA-256 verifiers as PostgreSQL stores them in pg_authid.rolpassword
/// (RFC 5802 / RFC 7677): SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;.
/// Computed here so that CREATE/ALTER ROLE never carries the plaintext to the server.
/// </summary>
public static class ScramSha256Verifier
{
    public const int DefaultIterations = 4096;
    public const int SaltLength = 16;

    public static string Create(Secret password, int iterations = DefaultIterations) =>
        Create(password, RandomNumberGenerator.GetBytes(SaltLength), iterations);

    public static string Create(Secret password, byte[] salt, int iterations)
    {
        var (storedKey, serverKey) = Keys(password, salt, iterations);
        return $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }

    /// <summary>Whether a stored verifier was made from this password (recomputed with its own salt and iterations).</summary>
    public static bool Matches(string? verifier, Secret password)
    {
        if (!TryParse(verifier, out var iterations, out var salt, out var storedKey, out var serverKey)) return false;
        var (expectedStored, expectedServer) = Keys(password, salt, iterations);
        return CryptographicOperations.FixedTimeEquals(storedKey, expectedStored)
            && CryptographicOperations.FixedTimeEquals(serverKey, expectedServer);
    }

    private static (byte[] StoredKey, byte[] ServerKey) Keys(Secret password, byte[] salt, int iterations)
    {
        // RFC 7677 asks for SASLprep; PostgreSQL falls back to the raw bytes when a password is not
        // valid UTF-8 for it, and generated passwords are base64 (ASCII), for which SASLprep is the identity.
        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password.Reveal()), salt, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(saltedPassword, "Server Key"u8);
        return (storedKey, serverKey);
    }

    private static bool TryParse(string? verifier, out int iterations, out byte[] salt, out byte[] storedKey, out byte[] serverKey)
    {
        iterations = 0;
        salt = storedKey = serverKey = [];
        if (verifier is null || !verifier.StartsWith("SCRAM-SHA-256$", StringComparison.Ordinal)) return false;
        var parts = verifier["SCRAM-SHA-256$".Length..].Split('$');
        if (parts.Length != 2) return false;
        var iterationAndSalt = parts[0].Split(':');
        var keys = parts[1].Split(':');
        if (iterationAndSalt.Length != 2 || keys.Length != 2 || !int.TryParse(iterationAndSalt[0], out iterations) || iterations <= 0) return false;
        try
        {
            salt = Convert.FromBase64String(iterationAndSalt[1]);
            storedKey = Convert.FromBase64String(keys[0]);
            serverKey = Convert.FromBase64String(keys[1]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
