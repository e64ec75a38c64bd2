using Rollout.Provisioner.Planning;

namespace Rollout.Provisioner.Engines.MariaDb;

/// <summary>What each operational role needs on a MariaDB 10.11 server.</summary>
public static class MariaDbOperationalAccess
{
    /// <summary>
    /// What `mariadb-dump --single-transaction --routines --triggers --events` needs and nothing more: SELECT, SHOW VIEW,
    /// LOCK TABLES, TRIGGER, EVENT on each managed database (the name escaped, `_` is a wildcard in grants) and, on
    /// 10.11, SELECT on mysql.proc (without it --routines silently dumps no routine bodies; SHOW CREATE ROUTINE only
    /// arrives in 11.3).
    /// </summary>
    public static readonly OperationalAccess Backup = new(
        new HashSet<string>(),
        new HashSet<string> { "SELECT ON `mysql`.`proc`" },
        new HashSet<string> { "SELECT", "SHOW VIEW", "LOCK TABLES", "TRIGGER", "EVENT" });

    /// <summary>
    /// mysqld_exporter 0.14's default collectors (global_status, global_variables, slave_status, info_schema.innodb_cmp/
    /// cmpmem, query_response_time) need PROCESS (the INNODB_CMP tables) and SLAVE MONITOR (10.5.9+'s name for what SHOW
    /// ALL SLAVES STATUS needs; REPLICATION CLIENT no longer covers it; information_schema.USER_PRIVILEGES shows REPLICA
    /// MONITOR by this name), and no SELECT at all: no table of any database, performance_schema included, is readable.
    /// At most 3 sessions (the exporter holds one; a scrape that hangs cannot pile up more).
    /// </summary>
    public static readonly OperationalAccess Monitoring = new(
        new HashSet<string> { "PROCESS", "SLAVE MONITOR" },
        new HashSet<string>(),
        new HashSet<string>())
    {
        ConnectionLimit = 3,
    };

    public static OperationalAccess For(OperationalRole role) => role switch
    {
        OperationalRole.Backup => Backup,
        OperationalRole.Monitoring => Monitoring,
        _ => throw new NotSupportedException($"No MariaDB privileges are defined for the {role} account."),
    };
}
