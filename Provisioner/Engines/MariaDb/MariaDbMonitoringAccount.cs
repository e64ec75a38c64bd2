using System.Globalization;
using MySqlConnector;
using Rollout.Provisioner.Planning;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Model;
using static Rollout.Provisioner.Engines.MariaDb.MariaDbSyntax;

namespace Rollout.Provisioner.Engines.MariaDb;

/// <summary>
/// mysqld_exporter 0.14's account on MariaDB 10.11: its default collectors (global_status, global_variables,
/// slave_status, info_schema.innodb_cmp/cmpmem, query_response_time) need PROCESS (the INNODB_CMP tables) and
/// SLAVE MONITOR (10.5.9+'s name for what SHOW ALL SLAVES STATUS needs; REPLICATION CLIENT no longer covers it), and no
/// SELECT at all: no table of any database, performance_schema included, is readable by it. REQUIRE SSL, the app
/// server's address only, at most <see cref="MaxConnections"/> sessions.
/// </summary>
public static class MariaDbMonitoringAccount
{
    public const int MaxConnections = 3;

    /// <summary>As information_schema.USER_PRIVILEGES names them (REPLICA MONITOR is shown as SLAVE MONITOR).</summary>
    public static readonly IReadOnlyList<string> GlobalPrivileges = ["PROCESS", "SLAVE MONITOR"];

    public static async Task<IReadOnlyList<MonitoringChange>> PlanAsync(MySqlConnection connection, DesiredMonitoringAccount desired, ServerState state, CancellationToken cancellationToken)
    {
        var grantable = GlobalPrivileges.Where(p => !state.Admin.Privileges.Contains(p + " WITH GRANT OPTION")).ToList();
        if (grantable.Count > 0)
            throw new ProvisioningException($"admin '{state.Admin.Name}' cannot grant {string.Join(", ", grantable)} to the monitoring account {desired.Account}. " +
                $"Grant them as root: GRANT {string.Join(", ", grantable)} ON *.* TO <admin> WITH GRANT OPTION.");
        var account = Account(desired.Account.Name, desired.Account.Host!);
        var hash = Literal(MariaDbNativePassword.Hash(desired.Password));
        await using var command = new MySqlCommand(
            "SELECT JSON_VALUE(Priv, '$.authentication_string'), JSON_VALUE(Priv, '$.ssl_type'), JSON_VALUE(Priv, '$.max_user_connections') " +
            "FROM mysql.global_priv WHERE User = @u AND Host = @h;" +
            "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = @g AND PRIVILEGE_TYPE <> 'USAGE';" +
            "SELECT Db FROM mysql.db WHERE User = @u AND Host = @h", connection);
        command.Parameters.AddWithValue("@u", desired.Account.Name);
        command.Parameters.AddWithValue("@h", desired.Account.Host);
        command.Parameters.AddWithValue("@g", $"'{desired.Account.Name}'@'{desired.Account.Host}'");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return [new(ChangeKind.Add, ObjectKind.User, $"monitoring account does not exist (password from {desired.PasswordSecretName}; {string.Join(", ", GlobalPrivileges)})",
                [Hidden($"CREATE USER IF NOT EXISTS {account} IDENTIFIED BY PASSWORD {hash} REQUIRE SSL WITH MAX_USER_CONNECTIONS {MaxConnections}", hash),
                 SqlStatement.Plain($"GRANT {string.Join(", ", GlobalPrivileges)} ON *.* TO {account}")], IsDrift: false)];

        var changes = new List<MonitoringChange>();
        var storedHash = reader.IsDBNull(0) ? null : reader.GetString(0);
        if (reader.IsDBNull(1) || reader.GetString(1) == "0")
            changes.Add(new(ChangeKind.Change, ObjectKind.User, "accepts logins without TLS (REQUIRE SSL missing)", [SqlStatement.Plain($"ALTER USER {account} REQUIRE SSL")], true));
        if (storedHash is null || !MariaDbNativePassword.Matches(storedHash, desired.Password))
            changes.Add(new(ChangeKind.Change, ObjectKind.User, desired.PasswordIsNew
                    ? $"no password stored under {desired.PasswordSecretName}: a new one is generated and set"
                    : $"password differs from secret {desired.PasswordSecretName}",
                [Hidden($"ALTER USER {account} IDENTIFIED BY PASSWORD {hash}", hash)], true));
        var limit = reader.IsDBNull(2) ? 0 : long.Parse(reader.GetString(2), CultureInfo.InvariantCulture);
        if (limit != MaxConnections)
            changes.Add(new(ChangeKind.Change, ObjectKind.User, $"MAX_USER_CONNECTIONS is {limit}, the estate wants {MaxConnections}",
                [SqlStatement.Plain($"ALTER USER {account} WITH MAX_USER_CONNECTIONS {MaxConnections}")], true));

        await reader.NextResultAsync(cancellationToken);
        var have = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken)) have.Add(reader.GetString(0));
        var missing = GlobalPrivileges.Where(p => !have.Contains(p)).ToList();
        if (missing.Count > 0)
            changes.Add(new(ChangeKind.Add, ObjectKind.Grant, $"missing {string.Join(", ", missing)} on *.*",
                [SqlStatement.Plain($"GRANT {string.Join(", ", missing)} ON *.* TO {account}")], true));
        var surplus = have.Where(p => !GlobalPrivileges.Contains(p)).Order().ToList();
        if (surplus.Count > 0)
            changes.Add(new(ChangeKind.Revoke, ObjectKind.Grant, $"has {string.Join(", ", surplus)} on *.* beyond what the exporter needs",
                [SqlStatement.Plain($"REVOKE {string.Join(", ", surplus)} ON *.* FROM {account}")], true));

        await reader.NextResultAsync(cancellationToken);
        var databases = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) databases.Add(reader.GetString(0));
        foreach (var pattern in databases)
            changes.Add(new(ChangeKind.Revoke, ObjectKind.Grant, $"has privileges on {pattern}: the monitoring account reads no database",
                [SqlStatement.Plain($"REVOKE ALL PRIVILEGES ON {Identifier(pattern)}.* FROM {account}")], true));
        return changes;
    }

    private static SqlStatement Hidden(string text, string hash) =>
        new(text, text.Replace("PASSWORD " + hash, "PASSWORD '" + Secret.Mask + "'", StringComparison.Ordinal));
}
