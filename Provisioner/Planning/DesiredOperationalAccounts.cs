using Rollout.Topology.Binding;
using Rollout.Topology.Secrets;

namespace Rollout.Provisioner.Planning;

/// <summary>An operational account rollout.yaml asks for on a server, before its password is looked up.</summary>
public sealed record DeclaredOperationalAccount(OperationalRole Role, string Name, string PasswordSecretName, IReadOnlyList<string> Databases);

/// <summary>
/// The operational accounts of each managed server, derived from rollout.yaml: the backup dump account (backup.account,
/// password &lt;SERVER&gt;_BACKUP_PASS) on every managed database server with databases in this environment, granted on
/// those; the exporters' account (monitoring.account, password &lt;SERVER&gt;_MONITOR_PASS) on every managed database
/// server, granted on none of the estate's databases (what it reaches is the engine's <see cref="OperationalAccess"/>).
/// </summary>
public static class DesiredOperationalAccounts
{
    public static IReadOnlyList<DeclaredOperationalAccount> Declared(EnvironmentBinding binding, ServerEndpoint endpoint)
    {
        var accounts = new List<DeclaredOperationalAccount>();
        var databases = binding.DatabasesOn(endpoint.Name).Select(d => d.Name).ToList();
        var backedUp = BackupSecrets.BackedUpServers(binding.Estate, binding.Environment).FirstOrDefault(s => s.Name == endpoint.Name);
        if (backedUp is not null && databases.Count > 0)
            accounts.Add(new DeclaredOperationalAccount(OperationalRole.Backup, binding.Estate.Backup.Account, BackupSecrets.AccountPassword(backedUp), databases));
        var monitored = MonitoringSecrets.MonitoredServers(binding.Estate, binding.Environment).FirstOrDefault(s => s.Name == endpoint.Name);
        if (monitored is not null)
            accounts.Add(new DeclaredOperationalAccount(OperationalRole.Monitoring, binding.Estate.Monitoring.Account, MonitoringSecrets.AccountPassword(monitored), []));
        return accounts;
    }
}
