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

    public static OperationalAccess For(OperationalRole role) => role switch
    {
        OperationalRole.Backup => Backup,
        _ => throw new NotSupportedException($"No MariaDB privileges are defined for the {role} account."),
    };
}
