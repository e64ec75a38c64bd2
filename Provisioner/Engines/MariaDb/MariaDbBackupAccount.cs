using MySqlConnector;
using Rollout.Provisioner.Planning;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Model;
using static Rollout.Provisioner.Engines.MariaDb.MariaDbSyntax;

namespace Rollout.Provisioner.Engines.MariaDb;

/// <summary>
/// The read-only dump account of a MariaDB server: what `mariadb-dump --single-transaction --routines --triggers
/// --events` needs and nothing more. SELECT, SHOW VIEW, LOCK TABLES, TRIGGER, EVENT on each managed database (the
/// name escaped, `_` is a wildcard in grants) and, on 10.11, SELECT on mysql.proc (without it --routines silently
/// dumps no routine bodies; SHOW CREATE ROUTINE only arrives in 11.3).
/// </summary>
public static class MariaDbBackupAccount
{
    public static readonly IReadOnlyList<string> DatabasePrivileges = ["SELECT", "SHOW VIEW", "LOCK TABLES", "TRIGGER", "EVENT"];

    /// <summary>True when the account exists with this password, REQUIRE SSL and every grant; then nothing is executed.</summary>
    public static async Task<bool> IsCurrentAsync(MySqlConnection connection, string user, string host, Secret password, IReadOnlyList<string> databases, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            "SELECT JSON_VALUE(Priv, '$.authentication_string'), JSON_VALUE(Priv, '$.ssl_type') FROM mysql.global_priv WHERE User = @u AND Host = @h", connection);
        command.Parameters.AddWithValue("@u", user);
        command.Parameters.AddWithValue("@h", host);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken)) return false;
            if (reader.IsDBNull(0) || !MariaDbNativePassword.Matches(reader.GetString(0), password)) return false;
            if (reader.IsDBNull(1) || reader.GetString(1) != "1") return false; // 1 = ANY (REQUIRE SSL)
        }
        await using var grants = new MySqlCommand(
            "SELECT COUNT(*) FROM mysql.db WHERE User = @u AND Host = @h AND Select_priv = 'Y' AND Show_view_priv = 'Y' AND Lock_tables_priv = 'Y' " +
            "AND Trigger_priv = 'Y' AND Event_priv = 'Y' AND Db IN (" + string.Join(", ", databases.Select(d => Literal(GrantPattern(d)))) + ")", connection);
        grants.Parameters.AddWithValue("@u", user);
        grants.Parameters.AddWithValue("@h", host);
        if (Convert.ToInt32(await grants.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != databases.Count) return false;
        await using var proc = new MySqlCommand(
            "SELECT COUNT(*) FROM mysql.tables_priv WHERE User = @u AND Host = @h AND Db = 'mysql' AND Table_name = 'proc' AND FIND_IN_SET('Select', Table_priv)", connection);
        proc.Parameters.AddWithValue("@u", user);
        proc.Parameters.AddWithValue("@h", host);
        return Convert.ToInt32(await proc.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>Idempotent statements that create or repair the account (never OR REPLACE: that would drop its grants first).</summary>
    public static IReadOnlyList<SqlStatement> Statements(string user, string host, Secret password, IReadOnlyList<string> databases)
    {
        var account = Account(user, host);
        var hash = Literal(MariaDbNativePassword.Hash(password));
        var masked = "PASSWORD '" + Secret.Mask + "'";
        var create = $"CREATE USER IF NOT EXISTS {account} IDENTIFIED BY PASSWORD {hash} REQUIRE SSL";
        var alter = $"ALTER USER {account} IDENTIFIED BY PASSWORD {hash} REQUIRE SSL";
        var statements = new List<SqlStatement>
        {
            new(create, create.Replace("PASSWORD " + hash, masked, StringComparison.Ordinal)),
            new(alter, alter.Replace("PASSWORD " + hash, masked, StringComparison.Ordinal)),
        };
        statements.AddRange(databases.Select(d => SqlStatement.Plain($"GRANT {string.Join(", ", DatabasePrivileges)} ON {Identifier(GrantPattern(d))}.* TO {account}")));
        statements.Add(SqlStatement.Plain($"GRANT SELECT ON `mysql`.`proc` TO {account}"));
        return statements;
    }
}
