using System.Security.Cryptography;
using System.Text;
using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Passwords;

/// <summary>
/// mysql_native_password hashes: '*' + UPPER(HEX(SHA1(SHA1(password)))). Sending the hash
/// (IDENTIFIED BY PASSWORD '*…') keeps the plaintext out of the server's general and binary logs,
/// and comparing it with mysql.global_priv.authentication_string detects password drift.
/// </summary>
public static class MariaDbNativePassword
{
    public static string Hash(Secret password)
    {
        var inner = SHA1.HashData(Encoding.UTF8.GetBytes(password.Reveal()));
        return "*" + Convert.ToHexString(SHA1.HashData(inner));
    }

    /// <summary>Whether a stored authentication_string is this password's hash (case-insensitive hex, constant time).</summary>
    public static bool Matches(string? authenticationString, Secret password) =>
        authenticationString is { Length: 41 } stored &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored.ToUpperInvariant()), Encoding.ASCII.GetBytes(Hash(password)));
}
