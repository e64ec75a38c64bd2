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

    /// <summary>MariaDB's portable limit for the host part of an account (older servers store at most 60).</summary>
    public const int MariaDbHostMax = 60;

    /// <summary>
    /// The database name as a MariaDB database-level GRANT names it: `_` and `%` are wildcards there, so the
    /// Provisioner escapes them (mo\_crm); the server checks the escaped text against its 64-character limit.
    /// </summary>
    public static string MariaDbGrantPattern(string database) =>
        database.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal);

    /// <summary>Null when the grant pattern of a new MariaDB database fits the server's limit, else the reason and the fix.</summary>
    public static string? CheckMariaDbGrantPattern(string database)
    {
        var pattern = MariaDbGrantPattern(database);
        if (pattern.Length <= MariaDbDatabaseMax) return null;
        return $"'{database}' is {database.Length} characters, but GRANT … ON names it as the pattern '{pattern}' ({pattern.Length} characters: " +
               $"each _ is escaped as \\_ so the grant cannot match other databases), and MariaDB allows at most {MariaDbDatabaseMax}: " +
               $"shorten the name by {pattern.Length - MariaDbDatabaseMax} characters (an _ counts twice).";
    }

    /// <summary>Null when an account host fits MariaDB's limit, else the reason.</summary>
    public static string? CheckMariaDbHost(string host) =>
        host.Length <= MariaDbHostMax ? null : $"'{host}' is {host.Length} characters; a MariaDB account host allows at most {MariaDbHostMax}: use the IP address.";

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
