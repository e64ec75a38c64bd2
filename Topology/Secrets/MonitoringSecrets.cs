using Rollout.Topology.Model;

namespace Rollout.Topology.Secrets;

/// <summary>
/// The monitoring account's passwords, one per managed server, named like the backup account's
/// (&lt;SERVER&gt;_MONITOR_PASS next to &lt;SERVER&gt;_BACKUP_PASS). The existing Plesk host gets none: it is never
/// altered, so it cannot get a monitoring account; the probe watches it through its service users.
/// </summary>
public static class MonitoringSecrets
{
    /// <summary>Password of the monitoring account on a server, e.g. EXTERNAL_MARIADB_MONITOR_PASS.</summary>
    public static string AccountPassword(ServerSpec server) => server.Name.ToUpperInvariant().Replace('-', '_') + "_MONITOR_PASS";

    /// <summary>The servers with a monitoring account: the managed SQL servers and Redis, where the environment enables it.</summary>
    public static IReadOnlyList<ServerSpec> MonitoredServers(Estate estate, EnvironmentSpec environment) =>
        estate.EnabledServers(environment).Where(s => !s.Existing).ToList();
}
