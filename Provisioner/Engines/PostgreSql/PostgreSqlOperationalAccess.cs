using Rollout.Provisioner.Planning;

namespace Rollout.Provisioner.Engines.PostgreSql;

/// <summary>What each operational role needs on a PostgreSQL 15 server.</summary>
public static class PostgreSqlOperationalAccess
{
    /// <summary>
    /// pg_dump's read-only account: a LOGIN role in pg_read_all_data (SELECT on every table and sequence, USAGE on every
    /// schema; no writes) with CONNECT on each managed database, since PUBLIC's CONNECT is revoked there. Its pg_hba
    /// line (hostssl, per managed database) is written with the server's configuration.
    /// </summary>
    public static readonly OperationalAccess Backup = new(
        new HashSet<string>(),
        new HashSet<string> { "pg_read_all_data" },
        new HashSet<string> { "CONNECT" });

    public static OperationalAccess For(OperationalRole role) => role switch
    {
        OperationalRole.Backup => Backup,
        _ => throw new NotSupportedException($"No PostgreSQL privileges are defined for the {role} account."),
    };
}
