using System.Security.Cryptography;
using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Passwords;

/// <summary>Passwords Rollout generates (local servers, new service users, rotation).</summary>
public static class GeneratedPassword
{
    /// <summary>Random bytes in a generated password (base64: 44 characters).</summary>
    public const int Bytes = 32;

    /// <summary>A new password: 32 random bytes, base64 (the plan's `openssl rand -base64 32`).</summary>
    public static Secret New() => new(Convert.ToBase64String(RandomNumberGenerator.GetBytes(Bytes)));
}
