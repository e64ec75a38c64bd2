using Rollout.Provisioner.Engines;
using Rollout.Provisioner.Passwords;
using Rollout.Provisioner.Planning;
using Rollout.ServiceDefaults.Connections;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Applying;

/// <summary>
/// Read-only checks of existing servers: each documented service user logs in to its database and
/// runs SELECT 1. Nothing else is ever sent to these servers.
/// </summary>
public static class ExistingServerChecks
{
    public static async Task<IReadOnlyList<ExistingServerCheck>> RunAsync(EnvironmentBinding binding, ServicePasswords passwords, CancellationToken cancellationToken)
    {
        var targets = binding.Servers.Values
            .Where(e => e.Server.Existing && e.Server.Engine == Engine.MariaDb)
            .SelectMany(e => binding.DatabasesOn(e.Name).Select(d => (Endpoint: e, Database: d)))
            .ToList();
        var stored = await passwords.GetManyAsync(targets.Select(t => t.Database.PasswordSecretName).ToList(), cancellationToken);
        return await Task.WhenAll(targets.Select(t =>
            CheckAsync(t.Endpoint, t.Database, stored.GetValueOrDefault(t.Database.PasswordSecretName), passwords.Description, cancellationToken)));
    }

    private static async Task<ExistingServerCheck> CheckAsync(ServerEndpoint endpoint, DatabaseSpec database, Secret? password, string source, CancellationToken cancellationToken)
    {
        if (password is null)
            return new ExistingServerCheck(endpoint.Name, database.Name, database.User, false, $"not checked: no {database.PasswordSecretName} in {source}");
        try
        {
            await using var connection = DatabaseConnectionFactory.MariaDb(endpoint, database.User, password, database.Name,
                new ConnectionOptions(Pooling: false, ApplicationName: "rollout-provisioner-check"));
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return new ExistingServerCheck(endpoint.Name, database.Name, database.User, true, "login and SELECT 1 succeeded");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException)
        {
            return new ExistingServerCheck(endpoint.Name, database.Name, database.User, false, ServerConnections.Describe(e, endpoint, database.User));
        }
    }
}
