using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Local.MariaDb;

/// <summary>Quoting for the few statements the AppHost sends to MariaDB.</summary>
public static class MariaDbSql
{
    /// <summary>`name` with backticks doubled.</summary>
    public static string Identifier(string name) => "`" + name.Replace("`", "``") + "`";

    /// <summary>A database name as a GRANT pattern: `_` and `%` are wildcards there and get escaped (`mo\_main`).</summary>
    public static string GrantDatabase(string name) => Identifier(name.Replace("\\", "\\\\").Replace("_", "\\_").Replace("%", "\\%"));

    /// <summary>'text' with quotes and backslashes escaped.</summary>
    public static string Literal(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    public static string Account(string user, string host) => $"{Literal(user)}@{Literal(host)}";

    /// <summary>
    /// Creates the account if missing and sets its password hash and REQUIRE SSL either way (idempotent);
    /// the statements carry the native hash, never the plaintext (`IDENTIFIED BY PASSWORD '*…'`).
    /// </summary>
    public static IEnumerable<string> EnsureUser(string user, string host, Secret password)
    {
        var account = Account(user, host);
        var hash = Literal(MariaDbNativePassword.Hash(password));
        yield return $"CREATE USER IF NOT EXISTS {account} IDENTIFIED BY PASSWORD {hash} REQUIRE SSL";
        yield return $"ALTER USER {account} IDENTIFIED BY PASSWORD {hash} REQUIRE SSL";
    }
}
