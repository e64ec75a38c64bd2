using MySqlConnector;
using Npgsql;
using Rollout.Provisioner.Engines;
using Rollout.Provisioner.Engines.MariaDb;
using Rollout.Provisioner.Engines.PostgreSql;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;
using Rollout.Topology.Secrets;

namespace Rollout.Provisioner.Planning;

/// <summary>
/// Plans the exporters' least-privilege account (monitoring.account of rollout.yaml) on one managed server, after the
/// server's own plan: missing → created; present → its password, TLS requirement, connection limit and privileges
/// compared, and what differs is drift that apply repairs (a surplus privilege is revoked: the account is the estate's).
/// One more admin session per server, a few catalog rows.
/// </summary>
public static class MonitoringAccountPlanner
{
    /// <summary>
    /// The account to plan on <paramref name="endpoint"/>: its password from the secret source, generated where the
    /// source can store it (local), else null (a remote environment without &lt;SERVER&gt;_MONITOR_PASS: not planned).
    /// </summary>
    public static DesiredMonitoringAccount? Desired(EnvironmentBinding binding, ServerEndpoint endpoint,
        IReadOnlyDictionary<string, Secret> stored, bool canGenerate)
    {
        var secretName = MonitoringSecrets.AccountPassword(endpoint.Server);
        var password = stored.GetValueOrDefault(secretName);
        if (password is null && !canGenerate) return null;
        var name = binding.Estate.Monitoring.Account;
        var account = endpoint.Engine == Engine.MariaDb ? new Account(name, binding.AppServerIp.ToString()) : new Account(name, null);
        return new DesiredMonitoringAccount(account, password ?? GeneratedPassword.New(), secretName, password is null);
    }

    public static async Task<IReadOnlyList<PlannedChange>> PlanAsync(DesiredServer server, ServerState state, CancellationToken cancellationToken)
    {
        if (server.Monitoring is not { } desired) return [];
        var endpoint = server.Endpoint;
        var options = new ConnectionOptions(Pooling: false, ConnectTimeoutSeconds: ServerConnections.AdminConnectTimeoutSeconds, ApplicationName: "rollout-provisioner");
        await using var connection = DatabaseConnectionFactory.Admin(endpoint, endpoint.Engine == Engine.PostgreSql ? "postgres" : null, options);
        await ServerConnections.OpenAsync(connection, endpoint, cancellationToken);
        IReadOnlyList<MonitoringChange> changes;
        try
        {
            changes = connection switch
            {
                MySqlConnection mariaDb => await MariaDbMonitoringAccount.PlanAsync(mariaDb, desired, state, cancellationToken),
                NpgsqlConnection postgres => await PostgreSqlMonitoringAccount.PlanAsync(postgres, desired, cancellationToken),
                _ => [],
            };
        }
        catch (ProvisioningException e)
        {
            throw new ProvisioningException($"{endpoint}: {e.Message}", e);
        }
        return changes.Select(c => new PlannedChange(endpoint.Name, c.Kind, c.Object, desired.Account.ToString(), c.Reason, c.Statements, c.IsDrift)).ToList();
    }
}

/// <summary>One change of the monitoring account, before the planner names its server and subject.</summary>
public sealed record MonitoringChange(ChangeKind Kind, ObjectKind Object, string Reason, IReadOnlyList<SqlStatement> Statements, bool IsDrift);
