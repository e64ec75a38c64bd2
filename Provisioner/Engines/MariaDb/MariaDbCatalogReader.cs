using MySqlConnector;
using Rollout.Provisioner.Planning;

namespace Rollout.Provisioner.Engines.MariaDb;

/// <summary>
/// Reads a MariaDB server's state in one round trip of six catalog queries, whatever the number of
/// databases: mysql.global_priv (accounts, TLS, hashes), information_schema.USER_PRIVILEGES (global
/// privileges, the admin's included), mysql.db (database grants), information_schema.SCHEMATA and
/// mysql.tables_priv (table grants; kept for operational accounts, e.g. the backup account's mysql.proc).
/// </summary>
internal static class MariaDbCatalogReader
{
    private const string Queries = """
        SELECT CURRENT_USER();
        SELECT User, Host, JSON_VALUE(Priv, '$.authentication_string'), JSON_VALUE(Priv, '$.ssl_type'), JSON_VALUE(Priv, '$.is_role'), Priv LIKE '%unix_socket%', JSON_VALUE(Priv, '$.max_user_connections') FROM mysql.global_priv;
        SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES;
        SELECT * FROM mysql.db;
        SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA;
        SELECT User, Host, Db, Table_name, Table_priv FROM mysql.tables_priv;
        """;

    public const int QueryCount = 6;

    /// <summary>mysql.db columns and the privilege names GRANT uses for them.</summary>
    private static readonly Dictionary<string, string> PrivilegeColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Select_priv"] = "SELECT",
        ["Insert_priv"] = "INSERT",
        ["Update_priv"] = "UPDATE",
        ["Delete_priv"] = "DELETE",
        ["Create_priv"] = "CREATE",
        ["Drop_priv"] = "DROP",
        ["Grant_priv"] = "GRANT OPTION",
        ["References_priv"] = "REFERENCES",
        ["Index_priv"] = "INDEX",
        ["Alter_priv"] = "ALTER",
        ["Create_tmp_table_priv"] = "CREATE TEMPORARY TABLES",
        ["Lock_tables_priv"] = "LOCK TABLES",
        ["Create_view_priv"] = "CREATE VIEW",
        ["Show_view_priv"] = "SHOW VIEW",
        ["Create_routine_priv"] = "CREATE ROUTINE",
        ["Alter_routine_priv"] = "ALTER ROUTINE",
        ["Execute_priv"] = "EXECUTE",
        ["Event_priv"] = "EVENT",
        ["Trigger_priv"] = "TRIGGER",
        ["Delete_history_priv"] = "DELETE HISTORY",
    };

    /// <summary>The server's own databases: never the estate's, never undeclared.</summary>
    private static readonly HashSet<string> SystemDatabases = new(StringComparer.OrdinalIgnoreCase) { "information_schema", "mysql", "performance_schema", "sys" };

    /// <summary>Accounts every MariaDB install has (root, the view definer mariadb.sys).</summary>
    private static readonly HashSet<string> SystemAccounts = new(StringComparer.Ordinal) { "root", "mariadb.sys" };

    public static async Task<ServerState> ReadAsync(MySqlConnection connection, IReadOnlyCollection<string> managedDatabases,
        IReadOnlyCollection<string> managedUsers, DesiredServer desired, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(Queries, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);

        await reader.ReadAsync(cancellationToken);
        var current = reader.GetString(0);
        var at = current.LastIndexOf('@');
        var admin = new Account(current[..at], current[(at + 1)..]);

        await reader.NextResultAsync(cancellationToken);
        var accountRows = new List<(Account Account, string? Hash, bool Tls, int? ConnectionLimit)>();
        var serverAccounts = new HashSet<Account>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(4) && reader.GetString(4) == "true") continue; // roles are not login accounts
            var account = ToAccount(reader.GetString(0), reader.GetString(1));
            // max_user_connections 0 (or absent) means no limit of the account's own.
            var limit = reader.IsDBNull(6) ? 0 : int.Parse(reader.GetString(6), System.Globalization.CultureInfo.InvariantCulture);
            accountRows.Add((account, reader.IsDBNull(2) ? null : reader.GetString(2), !reader.IsDBNull(3) && reader.GetString(3) != "0", limit > 0 ? limit : null));
            // Socket-authenticated local accounts are operating-system users (install-db makes one for the user it runs as).
            if (account.IsPublic || account.Name == admin.Name || SystemAccounts.Contains(account.Name)
                || (account.Host == "localhost" && !reader.IsDBNull(5) && reader.GetInt64(5) == 1))
                serverAccounts.Add(account);
        }

        await reader.NextResultAsync(cancellationToken);
        var globalPrivileges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var adminPrivileges = new HashSet<string>(StringComparer.Ordinal);
        var adminGrantee = Grantee(admin);
        while (await reader.ReadAsync(cancellationToken))
        {
            var grantee = reader.GetString(0);
            var privilege = reader.GetString(1);
            if (grantee == adminGrantee)
            {
                adminPrivileges.Add(privilege);
                if (reader.GetString(2) == "YES") adminPrivileges.Add(privilege + " WITH GRANT OPTION");
            }
            else if (privilege != "USAGE")
            {
                if (!globalPrivileges.TryGetValue(grantee, out var set)) globalPrivileges[grantee] = set = [];
                set.Add(privilege);
            }
        }

        await reader.NextResultAsync(cancellationToken);
        var grants = new List<ActualGrant>();
        var undeclaredGrants = new List<ActualGrant>();
        var declaredDatabases = desired.DeclaredDatabaseNames;
        var declaredUsers = desired.DeclaredUserNames;
        var userColumn = reader.GetOrdinal("User");
        var hostColumn = reader.GetOrdinal("Host");
        var dbColumn = reader.GetOrdinal("Db");
        var privilegeColumns = Enumerable.Range(0, reader.FieldCount)
            .Where(i => reader.GetName(i).EndsWith("_priv", StringComparison.OrdinalIgnoreCase))
            .Select(i => (Index: i, Name: PrivilegeColumns.GetValueOrDefault(reader.GetName(i)) ?? reader.GetName(i)[..^5].Replace('_', ' ').ToUpperInvariant()))
            .ToList();
        while (await reader.ReadAsync(cancellationToken))
        {
            var grantee = ToAccount(reader.GetString(userColumn), reader.GetString(hostColumn));
            var pattern = reader.GetString(dbColumn);
            var covered = MariaDbSyntax.LiteralName(pattern) is { } literal
                ? (managedDatabases.Contains(literal) ? [literal] : new List<string>())
                : managedDatabases.Where(d => MariaDbSyntax.PatternMatches(pattern, d)).ToList();
            if (covered.Count == 0 && !managedUsers.Contains(grantee.Name))
            {
                // A grant neither on a managed database nor of a managed user: undeclared unless both sides are the
                // estate's (an optional database this environment does not enable) or the server's own.
                var declared = declaredUsers.Contains(grantee.Name) && MariaDbSyntax.LiteralName(pattern) is { } name && declaredDatabases.Contains(name);
                if (!declared && !serverAccounts.Contains(grantee))
                    foreach (var (index, privilege) in privilegeColumns)
                        if (reader.GetString(index) == "Y") undeclaredGrants.Add(new ActualGrant(grantee, MariaDbSyntax.LiteralName(pattern) ?? pattern, pattern, privilege));
                continue;
            }
            if (covered.Count == 0) covered.Add(pattern);
            foreach (var (index, name) in privilegeColumns)
            {
                if (reader.GetString(index) != "Y") continue;
                foreach (var database in covered) grants.Add(new ActualGrant(grantee, database, pattern, name));
            }
        }

        await reader.NextResultAsync(cancellationToken);
        var databases = new Dictionary<string, ActualDatabase>(StringComparer.Ordinal);
        var undeclaredDatabases = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            if (!managedDatabases.Contains(name))
            {
                if (!declaredDatabases.Contains(name) && !SystemDatabases.Contains(name)) undeclaredDatabases.Add(name);
                continue;
            }
            databases[name] = new ActualDatabase(name, new Dictionary<string, string>
            {
                [MariaDbEngine.CharsetSetting] = reader.GetString(1),
                [MariaDbEngine.CollationSetting] = reader.GetString(2),
            }, new HashSet<string>());
        }

        await reader.NextResultAsync(cancellationToken);
        var tableGrants = new Dictionary<Account, HashSet<string>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!desired.IsOperationalAccount(reader.GetString(0))) continue;
            var grantee = ToAccount(reader.GetString(0), reader.GetString(1));
            if (!tableGrants.TryGetValue(grantee, out var set)) tableGrants[grantee] = set = [];
            var table = $"{MariaDbSyntax.Identifier(reader.GetString(2))}.{MariaDbSyntax.Identifier(reader.GetString(3))}";
            foreach (var privilege in reader.GetString(4).Split(',', StringSplitOptions.RemoveEmptyEntries))
                set.Add($"{privilege.ToUpperInvariant()} ON {table}");
        }

        var grantees = grants.Select(g => g.Grantee).ToHashSet();
        var relevantAccounts = accountRows
            .Where(a => managedUsers.Contains(a.Account.Name) || grantees.Contains(a.Account))
            .Select(a => new ActualAccount(a.Account, a.Tls, a.Hash,
                globalPrivileges.TryGetValue(Grantee(a.Account), out var set) ? set : new HashSet<string>())
            {
                OnServer = tableGrants.TryGetValue(a.Account, out var onServer) ? onServer : new HashSet<string>(),
                ConnectionLimit = a.ConnectionLimit,
            })
            .ToList();
        var adminFacts = new AdminFacts(admin.Name, adminPrivileges.Contains("SUPER"), adminPrivileges, new HashSet<string>());
        var undeclaredAccounts = accountRows.Select(a => a.Account)
            .Where(a => !serverAccounts.Contains(a) && !declaredUsers.Contains(a.Name)).Distinct().ToList();
        return new ServerState(databases, relevantAccounts, grants, adminFacts, new HashSet<string>(), QueryCount)
        {
            Undeclared = new UndeclaredObjects(undeclaredDatabases, undeclaredAccounts, undeclaredGrants),
        };
    }

    /// <summary>MariaDB 10.11 keeps the PUBLIC pseudo-role as user PUBLIC with an empty host.</summary>
    private static Account ToAccount(string user, string host) =>
        user == Account.PublicName && host.Length == 0 ? Account.Public : new Account(user, host);

    /// <summary>The GRANTEE text of information_schema tables: 'user'@'host'.</summary>
    private static string Grantee(Account account) => $"'{account.Name}'@'{account.Host}'";
}
