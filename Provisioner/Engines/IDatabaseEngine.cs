using Rollout.Provisioner.Planning;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Engines;

/// <summary>
/// Everything the generic planner needs to know about one database engine: how to read a server's
/// state, what the estate's settings and privileges mean there, and the SQL for each kind of change.
/// </summary>
public interface IDatabaseEngine
{
    Engine Engine { get; }

    /// <summary>
    /// Databases every server of this engine has that no service user may reach (PostgreSQL's postgres and
    /// template1 grant CONNECT to PUBLIC out of the box). PUBLIC's access there is revoked like on a managed database.
    /// </summary>
    IReadOnlyList<string> SharedDatabases { get; }

    /// <summary>Whether TLS is enforced per account (MariaDB REQUIRE SSL) rather than per pg_hba line.</summary>
    bool EnforcesTlsPerAccount { get; }

    Task<ServerState> ReadStateAsync(DesiredServer desired, CancellationToken cancellationToken);

    /// <summary>Problems that stop the plan before anything is changed (missing admin privilege, missing locale, …).</summary>
    Task<IReadOnlyList<string>> PreflightAsync(DesiredServer desired, ServerState state, CancellationToken cancellationToken);

    /// <summary>The account a managed user is on this engine (MariaDB: user@host; PostgreSQL: role).</summary>
    Account AccountFor(DatabaseSpec database, string appServerHost);

    IReadOnlyDictionary<string, string> DesiredSettings(DatabaseSpec database);

    bool SettingMatches(string key, string desired, string actual);

    IReadOnlySet<string> DesiredPrivileges(GrantPolicy policy);

    /// <summary>How the server records a grant on the database (MariaDB escapes wildcards).</summary>
    string GrantScope(string database);

    /// <summary>Grants a freshly created database already has for its user (PostgreSQL: ownership).</summary>
    IReadOnlyList<ActualGrant> GrantsImpliedByCreate(DatabaseSpec database, Account owner);

    bool CredentialMatches(string storedCredential, Topology.Model.Secret password);

    /// <summary>The account of an operational role (MariaDB: name@app server; PostgreSQL: role).</summary>
    Account OperationalAccountFor(string name, string appServerHost);

    /// <summary>What an operational account of this role needs on this engine, and nothing more.</summary>
    OperationalAccess AccessFor(OperationalRole role);

    IReadOnlyList<SqlStatement> CreateUser(Account account, Topology.Model.Secret password, ServerState state);
    IReadOnlyList<SqlStatement> RequireTls(Account account);
    IReadOnlyList<SqlStatement> SetPassword(Account account, Topology.Model.Secret password);
    IReadOnlyList<SqlStatement> CreateDatabase(DatabaseSpec database, Account owner, ServerState state);

    /// <summary>Statements that bring an existing database's settings in line, or null when that needs a rebuild (the reason says how).</summary>
    IReadOnlyList<SqlStatement>? AlterDatabaseSettings(DatabaseSpec database, out string? manualFix);

    IReadOnlyList<SqlStatement> Grant(Account grantee, string database, string scope, IReadOnlyCollection<string> privileges, ServerState state);
    IReadOnlyList<SqlStatement> Revoke(Account grantee, string database, string scope, IReadOnlyCollection<string> privileges);
    IReadOnlyList<SqlStatement> GrantGlobal(Account account, IReadOnlyCollection<string> privileges);
    IReadOnlyList<SqlStatement> RevokeGlobal(Account account, IReadOnlyCollection<string> privileges);

    /// <summary>Grants named as in <see cref="OperationalAccess.OnServer"/> (`GRANT x TO account`).</summary>
    IReadOnlyList<SqlStatement> GrantOnServer(Account account, IReadOnlyCollection<string> grants);
    IReadOnlyList<SqlStatement> RevokeOnServer(Account account, IReadOnlyCollection<string> grants);
    IReadOnlyList<SqlStatement> DropAccount(Account account);

    /// <summary>Caps the account's concurrent sessions (MariaDB MAX_USER_CONNECTIONS, PostgreSQL CONNECTION LIMIT).</summary>
    IReadOnlyList<SqlStatement> LimitConnections(Account account, int limit);

    /// <summary>Drops a database the estate does not declare (only ever executed with --prune).</summary>
    IReadOnlyList<SqlStatement> DropDatabase(string database);
    IReadOnlyList<SqlStatement> CreateExtension(string database, string extension, Account owner);

    /// <summary>Runs statements in order on one admin session (per database where a statement says so).</summary>
    Task ExecuteAsync(ServerEndpoint endpoint, IReadOnlyList<SqlStatement> statements, Func<SqlStatement, Task> executed, CancellationToken cancellationToken);
}
