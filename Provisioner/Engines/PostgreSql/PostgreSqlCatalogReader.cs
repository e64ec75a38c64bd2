using Npgsql;
using Rollout.Provisioner.Planning;

namespace Rollout.Provisioner.Engines.PostgreSql;

/// <summary>
/// Reads a PostgreSQL server's state in two round trips (admin facts; roles, databases with their
/// ACLs, available extensions, extensions owned per database) plus, only where those counts do not
/// show the estate's extensions, one short connection per managed database for pg_extension.
/// </summary>
internal static class PostgreSqlCatalogReader
{
    private const string AdminQuery = """
        SELECT r.rolname, r.rolsuper, r.rolcreatedb, r.rolcreaterole,
               ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid)
        FROM pg_roles r WHERE r.rolname = current_user
        """;

    // datacl NULL means the default ACL (PUBLIC may CONNECT and TEMPORARY): aclexplode(NULL) would hide that.
    private const string DatabasesQuery = """
        SELECT d.datname, pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, o.rolname,
               CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE g.rolname END, a.privilege_type
        FROM pg_database d
        JOIN pg_roles o ON o.oid = d.datdba
        LEFT JOIN LATERAL aclexplode(COALESCE(d.datacl, acldefault('d', d.datdba))) a ON true
        LEFT JOIN pg_roles g ON g.oid = a.grantee
        WHERE NOT d.datistemplate OR d.datname = 'template1'
        """;

    private const string ExtensionsQuery = "SELECT name FROM pg_available_extensions";

    // pg_shdepend is shared by all databases: it records, per database, the extensions owned by a
    // role (not by the bootstrap superuser). The Provisioner creates extensions as the database's
    // owner, so this counts them without connecting to each database.
    private const string OwnedExtensionsQuery = """
        SELECT d.datname, count(*)::int FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid
        WHERE s.classid = 'pg_extension'::regclass AND s.deptype = 'o' AND s.refobjid = d.datdba
        GROUP BY d.datname
        """;

    private static string RolesQuery(bool superuser) => $"""
        SELECT r.rolname, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls, {(superuser ? "r.rolpassword" : "NULL::text")}, r.oid = 10,
               ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid), r.rolconnlimit
        FROM {(superuser ? "pg_authid" : "pg_roles")} r WHERE r.rolname !~ '^pg_'
        """;

    /// <summary>template0 is left out by the database query already; these the server itself has.</summary>
    private static readonly HashSet<string> SystemDatabases = new(StringComparer.Ordinal) { "postgres", "template0", "template1" };

    /// <summary>The state, and per database the number of extensions its owner owns (see <see cref="OwnedExtensionsQuery"/>).</summary>
    public static async Task<(ServerState State, IReadOnlyDictionary<string, int> OwnedExtensions)> ReadAsync(NpgsqlConnection connection,
        IReadOnlyCollection<string> managedDatabases, IReadOnlyCollection<string> managedUsers, DesiredServer desired, CancellationToken cancellationToken)
    {
        AdminFacts admin;
        await using (var command = new NpgsqlCommand(AdminQuery, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            var privileges = new HashSet<string>();
            if (reader.GetBoolean(2)) privileges.Add("CREATEDB");
            if (reader.GetBoolean(3)) privileges.Add("CREATEROLE");
            admin = new AdminFacts(reader.GetString(0), reader.GetBoolean(1), privileges, reader.GetFieldValue<string[]>(4).ToHashSet());
        }

        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { new(RolesQuery(admin.IsSuperuser)), new(DatabasesQuery), new(ExtensionsQuery), new(OwnedExtensionsQuery) },
        };
        await using var rows = await batch.ExecuteReaderAsync(cancellationToken);

        var roles = new List<(string Name, string? Password, HashSet<string> Global, string[] MemberOf, int? ConnectionLimit)>();
        // The server's own roles: the admin and the bootstrap superuser (oid 10, made by initdb).
        var serverRoles = new HashSet<string>(StringComparer.Ordinal) { admin.Name };
        while (await rows.ReadAsync(cancellationToken))
        {
            if (rows.GetBoolean(7)) serverRoles.Add(rows.GetString(0));
            var global = new HashSet<string>();
            string[] flags = ["SUPERUSER", "CREATEDB", "CREATEROLE", "REPLICATION", "BYPASSRLS"];
            for (var i = 0; i < flags.Length; i++) if (rows.GetBoolean(i + 1)) global.Add(flags[i]);
            // rolconnlimit -1 means no limit.
            roles.Add((rows.GetString(0), rows.IsDBNull(6) ? null : rows.GetString(6), global, rows.GetFieldValue<string[]>(8), rows.GetInt32(9) >= 0 ? rows.GetInt32(9) : null));
        }

        await rows.NextResultAsync(cancellationToken);
        var databases = new Dictionary<string, ActualDatabase>(StringComparer.Ordinal);
        var grants = new List<ActualGrant>();
        var declaredDatabases = desired.DeclaredDatabaseNames;
        var declaredUsers = desired.DeclaredUserNames;
        var undeclaredDatabases = new List<string>();
        var undeclaredGrants = new List<ActualGrant>();
        var foreignShared = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await rows.ReadAsync(cancellationToken))
        {
            var name = rows.GetString(0);
            var owner = rows.GetString(4);
            var grantee = rows.IsDBNull(5) ? null : rows.GetString(5);
            var managed = managedDatabases.Contains(name);
            var undeclaredDatabase = !managed && !declaredDatabases.Contains(name) && !SystemDatabases.Contains(name);
            if (undeclaredDatabase && !undeclaredDatabases.Contains(name)) undeclaredDatabases.Add(name);
            if (PostgreSqlEngine.SharedDatabaseNames.Contains(name) && !admin.IsSuperuser && owner != admin.Name && !admin.MemberOf.Contains(owner))
                foreignShared[name] = owner;
            if (managed && !databases.ContainsKey(name))
            {
                databases[name] = new ActualDatabase(name, new Dictionary<string, string>
                {
                    [PostgreSqlEngine.EncodingSetting] = rows.GetString(1),
                    [PostgreSqlEngine.LcCollateSetting] = rows.GetString(2),
                    [PostgreSqlEngine.LcCtypeSetting] = rows.GetString(3),
                }, new HashSet<string>());
                grants.Add(new ActualGrant(new Account(owner, null), name, name, PostgreSqlEngine.OwnerPrivilege));
            }
            else if (!managed && managedUsers.Contains(owner) && !grants.Any(g => g.Database == name && g.Privilege == PostgreSqlEngine.OwnerPrivilege))
                grants.Add(new ActualGrant(new Account(owner, null), name, name, PostgreSqlEngine.OwnerPrivilege));

            // The owner's own ACL entries come with ownership; only others' entries are grants to compare.
            if (grantee is null || grantee == owner) continue;
            var account = grantee == Account.PublicName ? Account.Public : new Account(grantee, null);
            if (managed || PostgreSqlEngine.SharedDatabaseNames.Contains(name) || (!account.IsPublic && managedUsers.Contains(grantee)))
                grants.Add(new ActualGrant(account, name, name, rows.GetString(6)));
            // PUBLIC's default CONNECT/TEMPORARY comes with every database; a hand-made grant to a role is what counts.
            else if (!account.IsPublic && !serverRoles.Contains(grantee) && (undeclaredDatabase || !declaredUsers.Contains(grantee)))
                undeclaredGrants.Add(new ActualGrant(account, name, name, rows.GetString(6)));
        }

        await rows.NextResultAsync(cancellationToken);
        var available = new HashSet<string>(StringComparer.Ordinal);
        while (await rows.ReadAsync(cancellationToken)) available.Add(rows.GetString(0));

        await rows.NextResultAsync(cancellationToken);
        var ownedExtensions = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await rows.ReadAsync(cancellationToken)) ownedExtensions[rows.GetString(0)] = rows.GetInt32(1);

        var accounts = roles
            .Where(r => managedUsers.Contains(r.Name) || grants.Any(g => g.Grantee.Name == r.Name))
            .Select(r => new ActualAccount(new Account(r.Name, null), RequiresTls: false, r.Password, r.Global)
            {
                // Memberships count for operational accounts (pg_read_all_data); a service role's are not compared.
                OnServer = desired.IsOperationalAccount(r.Name) ? r.MemberOf.ToHashSet(StringComparer.Ordinal) : new HashSet<string>(),
                ConnectionLimit = r.ConnectionLimit,
            })
            .ToList();
        var undeclaredRoles = roles.Where(r => !serverRoles.Contains(r.Name) && !declaredUsers.Contains(r.Name)).Select(r => new Account(r.Name, null)).ToList();
        var state = new ServerState(databases, accounts, grants, admin with { ForeignSharedDatabases = foreignShared }, available, CatalogQueries: 5)
        {
            Undeclared = new UndeclaredObjects(undeclaredDatabases, undeclaredRoles, undeclaredGrants),
        };
        return (state, ownedExtensions);
    }

    /// <summary>Installed extensions of one database (pg_extension is per database).</summary>
    public static async Task<IReadOnlySet<string>> ReadExtensionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT extname FROM pg_extension", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken)) names.Add(reader.GetString(0));
        return names;
    }
}
