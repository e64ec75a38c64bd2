using System.Text;
using Npgsql;
using Rollout.Provisioner.Planning;
using Rollout.Provisioner.Telemetry;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;
using static Rollout.Provisioner.Engines.PostgreSql.PostgreSqlSyntax;

namespace Rollout.Provisioner.Engines.PostgreSql;

/// <summary>
/// PostgreSQL 15: login roles with client-side SCRAM verifiers, databases owned by their role with
/// an explicit locale from template0, PUBLIC revoked, extensions per database.
/// </summary>
public sealed class PostgreSqlEngine : IDatabaseEngine
{
    public const string EncodingSetting = "encoding";
    public const string LcCollateSetting = "lc_collate";
    public const string LcCtypeSetting = "lc_ctype";
    public const string OwnerPrivilege = "OWNER";
    private const int ExtensionReadParallelism = 8;

    public Engine Engine => Engine.PostgreSql;

    public bool EnforcesTlsPerAccount => false;

    public static readonly IReadOnlyList<string> SharedDatabaseNames = ["postgres", "template1"];

    public IReadOnlyList<string> SharedDatabases => SharedDatabaseNames;

    public async Task<ServerState> ReadStateAsync(DesiredServer desired, CancellationToken cancellationToken)
    {
        ServerState state;
        IReadOnlyDictionary<string, int> owned;
        await using (var connection = await OpenAsync(desired.Endpoint, null, cancellationToken))
        {
            (state, owned) = await PostgreSqlCatalogReader.ReadAsync(connection, desired.Databases.Select(d => d.Name).ToHashSet(),
                desired.ManagedAccountNames, desired, cancellationToken);
        }

        // Trade-off: when the owner owns exactly as many extensions as the estate lists, they are taken to be
        // those (the Provisioner created them as the owner); otherwise pg_extension is read in the database.
        var shownByOwnership = desired.Databases
            .Where(d => d.Extensions.Count > 0 && state.Databases.ContainsKey(d.Name) && owned.GetValueOrDefault(d.Name) == d.Extensions.Count)
            .ToDictionary(d => d.Name, d => (IReadOnlySet<string>)d.Extensions.ToHashSet());
        var needExtensions = desired.Databases
            .Where(d => d.Extensions.Count > 0 && state.Databases.ContainsKey(d.Name) && !shownByOwnership.ContainsKey(d.Name))
            .Select(d => d.Name).ToList();
        var extensions = new System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlySet<string>>(shownByOwnership);
        await Parallel.ForEachAsync(needExtensions, new ParallelOptions { MaxDegreeOfParallelism = ExtensionReadParallelism, CancellationToken = cancellationToken },
            async (database, token) =>
            {
                await using var connection = await OpenAsync(desired.Endpoint, database, token);
                extensions[database] = await PostgreSqlCatalogReader.ReadExtensionsAsync(connection, token);
            });
        var databases = state.Databases.ToDictionary(d => d.Key,
            d => extensions.TryGetValue(d.Key, out var installed) ? d.Value with { Extensions = installed } : d.Value);
        return state with { Databases = databases, CatalogQueries = state.CatalogQueries + needExtensions.Count };
    }

    public async Task<IReadOnlyList<string>> PreflightAsync(DesiredServer desired, ServerState state, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var admin = state.Admin;
        if (!admin.IsSuperuser)
        {
            var missing = new[] { "CREATEDB", "CREATEROLE" }.Where(p => !admin.Privileges.Contains(p)).ToList();
            if (missing.Count > 0)
                errors.Add($"{desired.Endpoint}: admin role '{admin.Name}' lacks {string.Join(" and ", missing)}, needed to create databases and roles. Grant it as a superuser: ALTER ROLE {Identifier(admin.Name)} {string.Join(" ", missing)};");
        }
        foreach (var name in desired.Databases.Select(d => d.Name).Concat(desired.ManagedAccountNames).Distinct())
            if (Encoding.UTF8.GetByteCount(name) > MaxIdentifierBytes)
                errors.Add($"{desired.Endpoint}: '{name}' is longer than {MaxIdentifierBytes} bytes; PostgreSQL would silently truncate it. Shorten it in the estate.");
        foreach (var extension in desired.Databases.SelectMany(d => d.Extensions).Distinct())
            if (!state.AvailableExtensions.Contains(extension))
                errors.Add($"{desired.Endpoint}: extension '{extension}' is not available on the server (pg_available_extensions). Install the package that provides it (postgresql-contrib) on the server.");

        var toCreate = desired.Databases.Where(d => !state.Databases.ContainsKey(d.Name)).ToList();
        var locales = toCreate.SelectMany(d => new[] { d.LcCollate, d.LcCtype }).OfType<string>().Distinct().ToList();
        if (locales.Count > 0)
        {
            await using var connection = await OpenAsync(desired.Endpoint, null, cancellationToken);
            foreach (var (locale, problem) in await PostgreSqlLocaleProbe.FindMissingAsync(connection, admin.Name, locales, cancellationToken))
                errors.Add($"{desired.Endpoint}: locale '{locale}' (needed by {string.Join(", ", toCreate.Where(d => d.LcCollate == locale || d.LcCtype == locale).Select(d => d.Name))}) {problem}");
        }
        return errors;
    }

    public Account AccountFor(DatabaseSpec database, string appServerHost) => new(database.User, null);

    public IReadOnlyDictionary<string, string> DesiredSettings(DatabaseSpec database)
    {
        var settings = new Dictionary<string, string>();
        if (database.Encoding is not null) settings[EncodingSetting] = database.Encoding;
        if (database.LcCollate is not null) settings[LcCollateSetting] = database.LcCollate;
        if (database.LcCtype is not null) settings[LcCtypeSetting] = database.LcCtype;
        return settings;
    }

    public bool SettingMatches(string key, string desired, string actual) => key == EncodingSetting
        ? NormalizeEncoding(desired) == NormalizeEncoding(actual)
        : NormalizeLocale(desired) == NormalizeLocale(actual);

    public IReadOnlySet<string> DesiredPrivileges(GrantPolicy policy) => policy.PostgreSql.Select(p => p.ToUpperInvariant()).ToHashSet();

    public string GrantScope(string database) => database;

    public IReadOnlyList<ActualGrant> GrantsImpliedByCreate(DatabaseSpec database, Account owner) =>
        [new ActualGrant(owner, database.Name, database.Name, OwnerPrivilege)];

    public bool CredentialMatches(string storedCredential, Secret password) => ScramSha256Verifier.Matches(storedCredential, password);

    public Account OperationalAccountFor(string name, string appServerHost) => new(name, null);

    public OperationalAccess AccessFor(OperationalRole role) => PostgreSqlOperationalAccess.For(role);

    public IReadOnlyList<SqlStatement> CreateUser(Account account, Secret password, ServerState state) =>
        [WithVerifier($"CREATE ROLE {Identifier(account.Name)} LOGIN PASSWORD {{0}}", password)];

    public IReadOnlyList<SqlStatement> RequireTls(Account account) => [];

    public IReadOnlyList<SqlStatement> SetPassword(Account account, Secret password) =>
        [WithVerifier($"ALTER ROLE {Identifier(account.Name)} LOGIN PASSWORD {{0}}", password)];

    public IReadOnlyList<SqlStatement> CreateDatabase(DatabaseSpec database, Account owner, ServerState state)
    {
        var name = Identifier(database.Name);
        var clauses = new StringBuilder($"CREATE DATABASE {name} OWNER {Identifier(owner.Name)}");
        if (database.Encoding is not null) clauses.Append($" ENCODING {Literal(database.Encoding)}");
        if (database.LcCollate is not null) clauses.Append($" LC_COLLATE {Literal(database.LcCollate)}");
        if (database.LcCtype is not null) clauses.Append($" LC_CTYPE {Literal(database.LcCtype)}");
        clauses.Append(" TEMPLATE template0");
        return [.. ActAs(owner, state), SqlStatement.Plain(clauses.ToString()), SqlStatement.Plain($"REVOKE ALL ON DATABASE {name} FROM PUBLIC")];
    }

    public IReadOnlyList<SqlStatement>? AlterDatabaseSettings(DatabaseSpec database, out string? manualFix)
    {
        manualFix = $"PostgreSQL cannot change a database's encoding or locale in place: dump {database.Name}, drop it, run apply to recreate it, restore the dump.";
        return null;
    }

    public IReadOnlyList<SqlStatement> Grant(Account grantee, string database, string scope, IReadOnlyCollection<string> privileges, ServerState state)
    {
        var statements = new List<SqlStatement>();
        if (privileges.Contains(OwnerPrivilege))
            statements.AddRange([.. ActAs(grantee, state), SqlStatement.Plain($"ALTER DATABASE {Identifier(database)} OWNER TO {Identifier(grantee.Name)}")]);
        var others = privileges.Where(p => p != OwnerPrivilege).ToList();
        if (others.Count > 0)
            statements.Add(SqlStatement.Plain($"GRANT {string.Join(", ", others)} ON DATABASE {Identifier(database)} TO {Grantee(grantee)}"));
        return statements;
    }

    public IReadOnlyList<SqlStatement> Revoke(Account grantee, string database, string scope, IReadOnlyCollection<string> privileges)
    {
        // Ownership is not revoked but handed over (ALTER DATABASE … OWNER TO, planned as the owner's grant).
        var revocable = privileges.Where(p => p != OwnerPrivilege).ToList();
        if (revocable.Count == 0) return [];
        var list = grantee.IsPublic ? "ALL" : string.Join(", ", revocable);
        return [SqlStatement.Plain($"REVOKE {list} ON DATABASE {Identifier(database)} FROM {Grantee(grantee)}")];
    }

    public IReadOnlyList<SqlStatement> GrantGlobal(Account account, IReadOnlyCollection<string> privileges) =>
        [SqlStatement.Plain($"ALTER ROLE {Identifier(account.Name)} {string.Join(" ", privileges)}")];

    /// <summary>Memberships in predefined roles (pg_read_all_data, pg_monitor).</summary>
    public IReadOnlyList<SqlStatement> GrantOnServer(Account account, IReadOnlyCollection<string> grants) =>
        grants.Select(g => SqlStatement.Plain($"GRANT {Identifier(g)} TO {Identifier(account.Name)}")).ToList();

    public IReadOnlyList<SqlStatement> RevokeOnServer(Account account, IReadOnlyCollection<string> grants) =>
        grants.Select(g => SqlStatement.Plain($"REVOKE {Identifier(g)} FROM {Identifier(account.Name)}")).ToList();

    public IReadOnlyList<SqlStatement> RevokeGlobal(Account account, IReadOnlyCollection<string> privileges) =>
        [SqlStatement.Plain($"ALTER ROLE {Identifier(account.Name)} {string.Join(" ", privileges.Select(p => "NO" + p))}")];

    public IReadOnlyList<SqlStatement> DropAccount(Account account) => [SqlStatement.Plain($"DROP ROLE IF EXISTS {Identifier(account.Name)}")];

    public IReadOnlyList<SqlStatement> LimitConnections(Account account, int limit) =>
        [SqlStatement.Plain($"ALTER ROLE {Identifier(account.Name)} CONNECTION LIMIT {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)}")];

    public IReadOnlyList<SqlStatement> DropDatabase(string database) => [SqlStatement.Plain($"DROP DATABASE IF EXISTS {Identifier(database)}")];

    /// <summary>
    /// Created as the database's owner (uuid-ossp and pgcrypto are trusted extensions): the service
    /// role owns them, and pg_shdepend then shows them without a connection to the database.
    /// </summary>
    public IReadOnlyList<SqlStatement> CreateExtension(string database, string extension, Account owner) =>
    [
        SqlStatement.Plain($"SET ROLE {Identifier(owner.Name)}", database),
        SqlStatement.Plain($"CREATE EXTENSION IF NOT EXISTS {Identifier(extension)}", database),
        SqlStatement.Plain("RESET ROLE", database),
    ];

    public async Task ExecuteAsync(ServerEndpoint endpoint, IReadOnlyList<SqlStatement> statements, Func<SqlStatement, Task> executed, CancellationToken cancellationToken)
    {
        // One session on the maintenance database for the whole run, and at most one more on the database
        // the statements currently target: holding a session per database would exhaust max_connections
        // on a server with more databases than connection slots (the 1,000-database benchmark did).
        NpgsqlConnection? maintenance = null;
        NpgsqlConnection? current = null;
        string? currentDatabase = null;
        try
        {
            foreach (var statement in statements)
            {
                NpgsqlConnection connection;
                if (statement.Database is null)
                {
                    connection = maintenance ??= await OpenAsync(endpoint, null, cancellationToken);
                }
                else
                {
                    if (current is null || currentDatabase != statement.Database)
                    {
                        if (current is not null) await current.DisposeAsync();
                        current = null;
                        current = await OpenAsync(endpoint, statement.Database, cancellationToken);
                        currentDatabase = statement.Database;
                    }
                    connection = current;
                }
                // Autocommit, one statement at a time: CREATE DATABASE cannot run in a transaction block,
                // and statements of one server run in order on one session (DCL per role never races).
                await using var command = new NpgsqlCommand(statement.Text, connection);
                using (var span = ProvisionerTelemetry.StartStatement(endpoint, statement))
                {
                    try
                    {
                        await command.ExecuteNonQueryAsync(cancellationToken);
                    }
                    catch (PostgresException e)
                    {
                        ProvisionerTelemetry.Fail(span, e);
                        throw new ProvisioningException($"{endpoint}: `{statement.Display}` failed: {e.SqlState} {e.MessageText}", e);
                    }
                }
                await executed(statement);
            }
        }
        finally
        {
            if (current is not null) await current.DisposeAsync();
            if (maintenance is not null) await maintenance.DisposeAsync();
        }
    }

    /// <summary>
    /// A non-superuser admin (PostgreSQL 15) may only create or hand over a database owned by a role
    /// it is a member of: it first grants itself membership in the service role.
    /// </summary>
    private static IEnumerable<SqlStatement> ActAs(Account owner, ServerState state) =>
        state.Admin.IsSuperuser || state.Admin.MemberOf.Contains(owner.Name) || state.Admin.Name == owner.Name
            ? []
            : [SqlStatement.Plain($"GRANT {Identifier(owner.Name)} TO {Identifier(state.Admin.Name)}")];

    private static string Grantee(Account account) => account.IsPublic ? Account.PublicName : Identifier(account.Name);

    private static SqlStatement WithVerifier(string template, Secret password)
    {
        var verifier = Literal(ScramSha256Verifier.Create(password));
        return new SqlStatement(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, verifier),
            string.Format(System.Globalization.CultureInfo.InvariantCulture, template, "'" + Secret.Mask + "'"));
    }

    private static async Task<NpgsqlConnection> OpenAsync(ServerEndpoint endpoint, string? database, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)DatabaseConnectionFactory.Admin(endpoint, database, new ConnectionOptions(Pooling: false, ConnectTimeoutSeconds: ServerConnections.AdminConnectTimeoutSeconds, ApplicationName: "rollout-provisioner"));
        await ServerConnections.OpenAsync(connection, endpoint, cancellationToken);
        return connection;
    }
}
