namespace Rollout.Provisioner.Planning;

/// <summary>
/// An account on a database server: a MariaDB user@host, a PostgreSQL role (no host), or PUBLIC.
/// </summary>
public sealed record Account(string Name, string? Host)
{
    public const string PublicName = "PUBLIC";

    public static readonly Account Public = new(PublicName, null);

    public bool IsPublic => Name == PublicName && string.IsNullOrEmpty(Host);

    public override string ToString() => Host is null ? Name : $"{Name}@{Host}";
}

/// <summary>A database as the server has it; Settings use the keys of the engine's desired settings.</summary>
public sealed record ActualDatabase(string Name, IReadOnlyDictionary<string, string> Settings, IReadOnlySet<string> Extensions);

/// <summary>An account as the server has it. Credential is the stored hash/verifier, or null when the admin cannot read it.</summary>
public sealed record ActualAccount(Account Account, bool RequiresTls, string? Credential, IReadOnlySet<string> GlobalPrivileges)
{
    /// <summary>
    /// Grants beyond database and global ones, named as in `GRANT x TO account` (see <see cref="OperationalAccess.OnServer"/>):
    /// MariaDB table grants, PostgreSQL role memberships. Read for operational accounts only.
    /// </summary>
    public IReadOnlySet<string> OnServer { get; init; } = new HashSet<string>();

    /// <summary>How many sessions the account may hold at once; null when unlimited.</summary>
    public int? ConnectionLimit { get; init; }
}

/// <summary>
/// One privilege of a grantee on a database. Scope is how the server records the target (MariaDB:
/// the mysql.db pattern such as mo\_crm; PostgreSQL: the database name).
/// </summary>
public sealed record ActualGrant(Account Grantee, string Database, string Scope, string Privilege);

/// <summary>
/// What the admin account of a server may do, for the preflight and for engine-specific statements.
/// ForeignSharedDatabases: shared databases whose access the admin cannot change (not a superuser, not
/// their owner), with their owner; PostgreSQL ignores such a REVOKE with a mere warning.
/// </summary>
public sealed record AdminFacts(string Name, bool IsSuperuser, IReadOnlySet<string> Privileges, IReadOnlySet<string> MemberOf,
    IReadOnlyDictionary<string, string>? ForeignSharedDatabases = null);

/// <summary>
/// A server's actual state, read with a constant number of catalog queries (plus one connection per
/// managed PostgreSQL database for its extensions). Only what concerns the managed databases and users.
/// </summary>
public sealed record ServerState(
    IReadOnlyDictionary<string, ActualDatabase> Databases,
    IReadOnlyList<ActualAccount> Accounts,
    IReadOnlyList<ActualGrant> Grants,
    AdminFacts Admin,
    IReadOnlySet<string> AvailableExtensions,
    int CatalogQueries)
{
    /// <summary>What the server has that rollout.yaml declares nowhere (read in the same catalog queries).</summary>
    public UndeclaredObjects Undeclared { get; init; } = UndeclaredObjects.None;
}

/// <summary>
/// Databases, accounts and grants on a managed server that no database of rollout.yaml declares: made by hand
/// (a `moXcrm` next to `mo_crm`), left over, or planted. The server's own (system databases, root, the admin,
/// PostgreSQL's bootstrap superuser) are not among them.
/// </summary>
public sealed record UndeclaredObjects(IReadOnlyList<string> Databases, IReadOnlyList<Account> Accounts, IReadOnlyList<ActualGrant> Grants)
{
    public static readonly UndeclaredObjects None = new([], [], []);
}
