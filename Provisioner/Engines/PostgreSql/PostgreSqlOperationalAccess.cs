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

    /// <summary>
    /// postgres_exporter 0.11's role: LOGIN in pg_monitor (the statistics views and pg_settings, nothing of any table)
    /// with CONNECT on the maintenance database postgres only (PUBLIC's is revoked there), at most 3 sessions. Its
    /// pg_hba line (hostssl, database postgres) is written with the server's configuration.
    /// </summary>
    public static readonly OperationalAccess Monitoring = new(
        new HashSet<string>(),
        new HashSet<string> { "pg_monitor" },
        new HashSet<string> { "CONNECT" })
    {
        ServerDatabases = ["postgres"],
        ConnectionLimit = 3,
    };

    public static OperationalAccess For(OperationalRole role) => role switch
    {
        OperationalRole.Backup => Backup,
        OperationalRole.Monitoring => Monitoring,
        _ => throw new NotSupportedException($"No PostgreSQL privileges are defined for the {role} account."),
    };
}
