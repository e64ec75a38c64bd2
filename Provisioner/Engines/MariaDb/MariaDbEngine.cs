using MySqlConnector;
using Rollout.Provisioner.Planning;
using Rollout.Provisioner.Telemetry;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;
using static Rollout.Provisioner.Engines.MariaDb.MariaDbSyntax;

namespace Rollout.Provisioner.Engines.MariaDb;

/// <summary>MariaDB 10.11: databases with charset/collation, user@host accounts with REQUIRE SSL, grants on `db`.*.</summary>
public sealed class MariaDbEngine : IDatabaseEngine
{
    public const string CharsetSetting = "charset";
    public const string CollationSetting = "collation";
    private const string MaskedHash = "PASSWORD '" + Secret.Mask + "'";

    public Engine Engine => Engine.MariaDb;

    public bool EnforcesTlsPerAccount => true;

    public IReadOnlyList<string> SharedDatabases => [];

    public async Task<ServerState> ReadStateAsync(DesiredServer desired, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(desired.Endpoint, cancellationToken);
        try
        {
            return await MariaDbCatalogReader.ReadAsync(connection, desired.Databases.Select(d => d.Name).ToHashSet(),
                desired.ManagedAccountNames, desired, cancellationToken);
        }
        catch (MySqlException e) when (e.ErrorCode is MySqlErrorCode.TableAccessDenied or MySqlErrorCode.DatabaseAccessDenied)
        {
            throw new ProvisioningException($"{desired.Endpoint}: admin '{desired.Endpoint.AdminUser}' may not read the grant tables ({e.Message}). Grant it: GRANT SELECT ON mysql.* TO the admin account.", e);
        }
    }

    public Task<IReadOnlyList<string>> PreflightAsync(DesiredServer desired, ServerState state, CancellationToken cancellationToken)
    {
        var required = new List<string> { "CREATE", "CREATE USER" };
        var planned = desired.OperationalAccounts.Where(a => a.IsPlanned).ToList();
        required.AddRange(DesiredPrivileges(desired.Grants)
            .Concat(planned.SelectMany(a => AccessFor(a.Role).PerDatabase))
            .Distinct().Select(p => p + " WITH GRANT OPTION"));
        var missing = required.Where(p => !state.Admin.Privileges.Contains(p)).ToList();
        var errors = new List<string>();
        if (missing.Count > 0)
            errors.Add($"{desired.Endpoint}: admin '{state.Admin.Name}' lacks the global privilege(s) {string.Join(", ", missing)} needed to create databases, users and grants. " +
                $"Grant them as root, e.g. GRANT {string.Join(", ", missing.Select(m => m.Replace(" WITH GRANT OPTION", "", StringComparison.Ordinal)).Distinct())} ON *.* TO <admin> WITH GRANT OPTION.");
        // Server-wide privileges belong to one operational account each (the exporter's PROCESS): named with it.
        foreach (var account in planned)
        {
            var ungrantable = AccessFor(account.Role).Global.Order().Where(p => !state.Admin.Privileges.Contains(p + " WITH GRANT OPTION")).ToList();
            if (ungrantable.Count > 0)
                errors.Add($"{desired.Endpoint}: admin '{state.Admin.Name}' cannot grant {string.Join(", ", ungrantable)} to the {account.Description}. " +
                    $"Grant them as root: GRANT {string.Join(", ", ungrantable)} ON *.* TO <admin> WITH GRANT OPTION.");
        }
        return Task.FromResult<IReadOnlyList<string>>(errors);
    }

    public Account AccountFor(DatabaseSpec database, string appServerHost) => new(database.User, database.UserHost ?? appServerHost);

    public IReadOnlyDictionary<string, string> DesiredSettings(DatabaseSpec database)
    {
        var settings = new Dictionary<string, string>();
        if (database.Charset is not null) settings[CharsetSetting] = database.Charset;
        if (database.Collation is not null) settings[CollationSetting] = database.Collation;
        return settings;
    }

    public bool SettingMatches(string key, string desired, string actual) => string.Equals(desired, actual, StringComparison.OrdinalIgnoreCase);

    public IReadOnlySet<string> DesiredPrivileges(GrantPolicy policy) => policy.MariaDb.Select(p => p.ToUpperInvariant()).ToHashSet();

    public string GrantScope(string database) => GrantPattern(database);

    public IReadOnlyList<ActualGrant> GrantsImpliedByCreate(DatabaseSpec database, Account owner) => [];

    public bool CredentialMatches(string storedCredential, Secret password) => MariaDbNativePassword.Matches(storedCredential, password);

    public Account OperationalAccountFor(string name, string appServerHost) => new(name, appServerHost);

    public OperationalAccess AccessFor(OperationalRole role) => MariaDbOperationalAccess.For(role);

    public IReadOnlyList<SqlStatement> CreateUser(Account user, Secret password, ServerState state)
    {
        var account = Account(user.Name, user.Host!);
        var hash = Literal(MariaDbNativePassword.Hash(password));
        // IF NOT EXISTS, never OR REPLACE: replacing would drop the account's grants. An existing
        // account is not planned here; the planner compares it and plans ALTER USER where it differs.
        return [Hidden($"CREATE USER IF NOT EXISTS {account} IDENTIFIED BY PASSWORD {hash} REQUIRE SSL", hash)];
    }

    public IReadOnlyList<SqlStatement> RequireTls(Account account) => [SqlStatement.Plain($"ALTER USER {Account(account.Name, account.Host!)} REQUIRE SSL")];

    public IReadOnlyList<SqlStatement> SetPassword(Account user, Secret password)
    {
        var hash = Literal(MariaDbNativePassword.Hash(password));
        return [Hidden($"ALTER USER {Account(user.Name, user.Host!)} IDENTIFIED BY PASSWORD {hash}", hash)];
    }

    public IReadOnlyList<SqlStatement> CreateDatabase(DatabaseSpec database, Account owner, ServerState state) =>
        [SqlStatement.Plain($"CREATE DATABASE IF NOT EXISTS {Identifier(database.Name)}{CharsetClause(database)}")];

    public IReadOnlyList<SqlStatement>? AlterDatabaseSettings(DatabaseSpec database, out string? manualFix)
    {
        // Changes the default for new tables; existing tables keep theirs (ALTER TABLE … CONVERT TO is the owner's call).
        manualFix = null;
        return [SqlStatement.Plain($"ALTER DATABASE {Identifier(database.Name)}{CharsetClause(database)}")];
    }

    public IReadOnlyList<SqlStatement> Grant(Account grantee, string database, string scope, IReadOnlyCollection<string> privileges, ServerState state) =>
        [SqlStatement.Plain($"GRANT {string.Join(", ", privileges)} ON {Identifier(scope)}.* TO {Grantee(grantee)}")];

    public IReadOnlyList<SqlStatement> Revoke(Account grantee, string database, string scope, IReadOnlyCollection<string> privileges) =>
        [SqlStatement.Plain($"REVOKE {string.Join(", ", privileges)} ON {Identifier(scope)}.* FROM {Grantee(grantee)}")];

    public IReadOnlyList<SqlStatement> GrantGlobal(Account account, IReadOnlyCollection<string> privileges) =>
        [SqlStatement.Plain($"GRANT {string.Join(", ", privileges)} ON *.* TO {Grantee(account)}")];

    public IReadOnlyList<SqlStatement> GrantOnServer(Account account, IReadOnlyCollection<string> grants) =>
        grants.Select(g => SqlStatement.Plain($"GRANT {g} TO {Grantee(account)}")).ToList();

    public IReadOnlyList<SqlStatement> RevokeOnServer(Account account, IReadOnlyCollection<string> grants) =>
        grants.Select(g => SqlStatement.Plain($"REVOKE {g} FROM {Grantee(account)}")).ToList();

    public IReadOnlyList<SqlStatement> RevokeGlobal(Account account, IReadOnlyCollection<string> privileges) =>
        [SqlStatement.Plain($"REVOKE {string.Join(", ", privileges)} ON *.* FROM {Grantee(account)}")];

    public IReadOnlyList<SqlStatement> DropAccount(Account account) => [SqlStatement.Plain($"DROP USER IF EXISTS {Grantee(account)}")];

    public IReadOnlyList<SqlStatement> LimitConnections(Account account, int limit) =>
        [SqlStatement.Plain($"ALTER USER {Grantee(account)} WITH MAX_USER_CONNECTIONS {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)}")];

    public IReadOnlyList<SqlStatement> DropDatabase(string database) => [SqlStatement.Plain($"DROP DATABASE IF EXISTS {Identifier(database)}")];

    public IReadOnlyList<SqlStatement> CreateExtension(string database, string extension, Account owner) =>
        throw new ProvisioningException($"Database '{database}': MariaDB has no extensions; remove 'extensions' from it in the estate.");

    public async Task ExecuteAsync(ServerEndpoint endpoint, IReadOnlyList<SqlStatement> statements, Func<SqlStatement, Task> executed, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(endpoint, cancellationToken);
        foreach (var statement in statements)
        {
            if (statement.Database is not null) throw new InvalidOperationException("MariaDB statements run on the server session.");
            await using var command = new MySqlCommand(statement.Text, connection);
            using (var span = ProvisionerTelemetry.StartStatement(endpoint, statement))
            {
                try
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (MySqlException e)
                {
                    ProvisionerTelemetry.Fail(span, e);
                    throw new ProvisioningException($"{endpoint}: `{statement.Display}` failed: {e.Message}", e);
                }
            }
            await executed(statement);
        }
    }

    private static async Task<MySqlConnection> OpenAsync(ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var connection = (MySqlConnection)DatabaseConnectionFactory.Admin(endpoint, options: new ConnectionOptions(Pooling: false, ConnectTimeoutSeconds: ServerConnections.AdminConnectTimeoutSeconds, ApplicationName: "rollout-provisioner"));
        await ServerConnections.OpenAsync(connection, endpoint, cancellationToken);
        // Quoting above relies on this mode: no ANSI_QUOTES, backslash escapes on, no implicit user creation.
        await using var command = new MySqlCommand($"SET SESSION sql_mode = {Literal(PinnedSqlMode)}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private static string CharsetClause(DatabaseSpec database) =>
        (database.Charset is null ? "" : $" CHARACTER SET {Literal(database.Charset)}") +
        (database.Collation is null ? "" : $" COLLATE {Literal(database.Collation)}");

    private static string Grantee(Account account) => account.IsPublic ? Planning.Account.PublicName : Account(account.Name, account.Host ?? "");

    private static SqlStatement Hidden(string text, string secretLiteral) =>
        new(text, text.Replace("PASSWORD " + secretLiteral, MaskedHash, StringComparison.Ordinal));
}
