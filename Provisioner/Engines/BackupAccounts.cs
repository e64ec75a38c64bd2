using MySqlConnector;
using Npgsql;
using Rollout.Provisioner.Engines.MariaDb;
using Rollout.Provisioner.Engines.PostgreSql;
using Rollout.Provisioner.Passwords;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;
using Rollout.Topology.Secrets;

namespace Rollout.Provisioner.Engines;

/// <summary>
/// After apply: the read-only dump account (backup.account of rollout.yaml) on every managed server, its password
/// under &lt;SERVER&gt;_BACKUP_PASS. Checked first, so a second apply executes nothing. A remote environment without
/// the password set is told so and skipped: backups are not a precondition of provisioning.
/// </summary>
public sealed class BackupAccounts(EnvironmentBinding binding, ServicePasswords passwords)
{
    public async Task EnsureAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var account = binding.Estate.Backup.Account;
        foreach (var server in BackupSecrets.BackedUpServers(binding.Estate, binding.Environment))
        {
            var databases = binding.DatabasesOn(server.Name).Select(d => d.Name).ToList();
            if (databases.Count == 0 || !binding.Servers.TryGetValue(server.Name, out var endpoint)) continue;
            var secretName = BackupSecrets.AccountPassword(server);
            var password = (await passwords.GetManyAsync([secretName], cancellationToken)).GetValueOrDefault(secretName);
            if (password is null && !passwords.CanGenerate)
            {
                await output.WriteLineAsync($"backup account {account} on {server.Name}: skipped, {secretName} is not set (backups of {server.Name} need it).");
                continue;
            }
            if (password is null)
            {
                password = GeneratedPassword.New();
                await passwords.SaveAsync(secretName, password, cancellationToken);
            }
            var statements = await StatementsAsync(endpoint, account, password, databases, cancellationToken);
            if (statements.Count == 0) continue;
            // Printed as apply prints its own statements (hashes masked), so every statement apply runs is shown and traced alike.
            await EngineCatalog.For(server.Engine).ExecuteAsync(endpoint, statements,
                statement => output.WriteLineAsync($"executed [{server.Name}] {statement.Display}"), cancellationToken);
            await output.WriteLineAsync($"backup account {account} on {server.Name}: created/updated (read-only on {databases.Count} database(s), password {secretName}).");
        }
    }

    private async Task<IReadOnlyList<Planning.SqlStatement>> StatementsAsync(ServerEndpoint endpoint, string account, Secret password, IReadOnlyList<string> databases, CancellationToken cancellationToken)
    {
        var options = new ConnectionOptions(Pooling: false, ConnectTimeoutSeconds: ServerConnections.AdminConnectTimeoutSeconds, ApplicationName: "rollout-provisioner");
        await using var connection = DatabaseConnectionFactory.Admin(endpoint, options: options);
        await ServerConnections.OpenAsync(connection, endpoint, cancellationToken);
        var host = binding.AppServerIp.ToString();
        return connection switch
        {
            MySqlConnection mariaDb => await MariaDbBackupAccount.IsCurrentAsync(mariaDb, account, host, password, databases, cancellationToken)
                ? [] : MariaDbBackupAccount.Statements(account, host, password, databases),
            NpgsqlConnection postgres => await PostgreSqlBackupAccount.IsCurrentAsync(postgres, account, password, databases, cancellationToken)
                ? [] : PostgreSqlBackupAccount.Statements(account, password, await PostgreSqlBackupAccount.ExistsAsync(postgres, account, cancellationToken), databases),
            _ => [],
        };
    }
}
