using System.Text;
using System.Text.RegularExpressions;
using Rollout.Topology.Model;

namespace Rollout.Topology.Validation;

/// <summary>
/// Identifier rules. Names are restricted to lower-case letters, digits and _ so that no quoting
/// trick (backticks, quotes, wildcards beyond _) can reach a statement, and are length-checked
/// before any server silently truncates them (PostgreSQL cuts at 63 bytes with only a NOTICE).
/// </summary>
internal static partial class Identifiers
{
    public const int MariaDbDatabaseMax = 64;
    public const int MariaDbUserMax = 80;
    public const int PostgreSqlMaxBytes = 63;

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    public static partial Regex SqlName();

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    public static partial Regex ResourceName();

    [GeneratedRegex("^[A-Z][A-Z0-9_]*$")]
    public static partial Regex SecretName();

    /// <summary>Null when valid, else the reason.</summary>
    public static string? CheckSqlName(string name, Engine engine, bool isUser)
    {
        if (!SqlName().IsMatch(name))
            return $"'{name}' may use only lower-case letters, digits and _, and must not start with a digit.";
        var bytes = Encoding.UTF8.GetByteCount(name);
        return engine switch
        {
            Engine.MariaDb when isUser && name.Length > MariaDbUserMax => $"'{name}' is {name.Length} characters; MariaDB user names allow at most {MariaDbUserMax}.",
            Engine.MariaDb when !isUser && name.Length > MariaDbDatabaseMax => $"'{name}' is {name.Length} characters; MariaDB database names allow at most {MariaDbDatabaseMax}.",
            Engine.PostgreSql when bytes > PostgreSqlMaxBytes => $"'{name}' is {bytes} bytes; PostgreSQL identifiers allow at most {PostgreSqlMaxBytes} (longer ones are silently truncated).",
            _ => null,
        };
    }
}
