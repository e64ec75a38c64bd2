using Rollout.Topology.Model;

namespace Rollout.Provisioner.Planning;

/// <summary>
/// What an operational account is for. Each role is a least-privilege login of a tool that runs beside the
/// applications (the backup dumps, the monitoring exporters), never a service user.
/// </summary>
public enum OperationalRole
{
    /// <summary>The read-only dump account of rollout.yaml's backup.account (Rollout.Backup).</summary>
    Backup,

    /// <summary>The exporters' account of rollout.yaml's monitoring.account: server statistics, no table of any database.</summary>
    Monitoring,
}

/// <summary>
/// A least-privilege account an operational tool logs in with on a managed server, planned, applied and checked for
/// drift like a service user: it is declared (never reported or dropped as undeclared, also with --prune), and its
/// privileges are exactly <see cref="OperationalAccess"/> on <see cref="Databases"/>.
/// Password null: its secret is not set in a remote environment; the account is then only declared, not planned.
/// </summary>
public sealed record OperationalAccount(
    OperationalRole Role,
    Account Account,
    IReadOnlyList<string> Databases,
    string PasswordSecretName,
    Secret? Password,
    bool PasswordIsNew)
{
    public bool IsPlanned => Password is not null;

    /// <summary>How the plan names it: "backup account rollout_backup@10.0.0.5".</summary>
    public string Description => $"{Role.ToString().ToLowerInvariant()} account {Account}";

    /// <summary>What plan, apply and drift print when the account cannot be planned.</summary>
    public string NotPlannedNote(string server) =>
        $"{Description} on {server}: not planned, {PasswordSecretName} is not set (the {Role.ToString().ToLowerInvariant()} of {server} needs it). " +
        $"Set it (in CI: the GitHub environment secret; generate one with `openssl rand -base64 32`) and run apply again; everything else is planned as usual.";
}

/// <summary>
/// The privileges an operational role needs on one engine, in that engine's terms. Global: server-wide privileges
/// (MariaDB ON *.*, PostgreSQL role attributes). OnServer: grants named as in `GRANT x TO account` (MariaDB
/// `SELECT ON `mysql`.`proc``, PostgreSQL a predefined role such as pg_read_all_data). PerDatabase: granted on each of
/// the account's databases (MariaDB ON `db`.*, PostgreSQL ON DATABASE).
/// </summary>
public sealed record OperationalAccess(IReadOnlySet<string> Global, IReadOnlySet<string> OnServer, IReadOnlySet<string> PerDatabase)
{
    /// <summary>
    /// Databases of the server itself that get <see cref="PerDatabase"/> too, besides the account's own (PostgreSQL's
    /// maintenance database postgres, where the exporter connects; PUBLIC's CONNECT is revoked there).
    /// </summary>
    public IReadOnlyList<string> ServerDatabases { get; init; } = [];

    /// <summary>At most this many sessions of the account at once (a runaway tool cannot exhaust the server); null: the role sets none and leaves the account's as it is.</summary>
    public int? ConnectionLimit { get; init; }
}
