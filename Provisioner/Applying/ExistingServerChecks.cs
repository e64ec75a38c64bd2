using Rollout.Provisioner.Engines;
using Rollout.Provisioner.Passwords;
using Rollout.Provisioner.Planning;
using Rollout.ServiceDefaults.Connections;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Applying;

/// <summary>
/// Read-only checks of existing servers: each documented service user logs in to its database and runs SELECT 1;
/// where the environment binds an admin for the server, that admin reads the catalogs on a read-only session
/// (the same one the SmokeRunner's baseline uses) and confirms every documented database and account exists.
/// Nothing else is ever sent to these servers.
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
        var logins = targets.Select(t =>
            CheckAsync(t.Endpoint, t.Database, stored.GetValueOrDefault(t.Database.PasswordSecretName), passwords.Description, cancellationToken));
        var catalogs = binding.Servers.Values
            .Where(e => e.Server.Existing && e.Server.Engine == Engine.MariaDb && e.AdminUser is not null && e.AdminPassword is not null)
            .Select(e => CatalogAsync(binding, e, cancellationToken));
        return await Task.WhenAll(logins.Concat(catalogs));
    }

    private const string CatalogQuery = "SELECT SCHEMA_NAME, NULL FROM information_schema.SCHEMATA UNION ALL SELECT User, Host FROM mysql.global_priv";

    private static async Task<ExistingServerCheck> CatalogAsync(EnvironmentBinding binding, ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var databases = binding.DatabasesOn(endpoint.Name).ToList();
        const string subject = "(catalog)";
        try
        {
            await using var connection = await DatabaseConnectionFactory.OpenReadOnlyAdminAsync(endpoint, null,
                new ConnectionOptions(Pooling: false, ApplicationName: "rollout-provisioner-check"), cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = CatalogQuery;
            var schemas = new HashSet<string>(StringComparer.Ordinal);
            var accounts = new HashSet<(string, string)>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    if (reader.IsDBNull(1)) schemas.Add(reader.GetString(0)); else accounts.Add((reader.GetString(0), reader.GetString(1)));
            var missing = databases.Where(d => !schemas.Contains(d.Name)).Select(d => $"database {d.Name}")
                .Concat(databases.Where(d => !accounts.Contains((d.User, d.UserHost ?? binding.AppServerIp.ToString())))
                    .Select(d => $"account {d.User}@'{d.UserHost ?? binding.AppServerIp.ToString()}'"))
                .ToList();
            return new ExistingServerCheck(endpoint.Name, subject, endpoint.AdminUser!, missing.Count == 0, missing.Count == 0
                ? $"{databases.Count} databases and their accounts present (catalogs read as {endpoint.AdminUser}, read-only session)"
                : $"missing on the server: {string.Join(", ", missing)}");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException)
        {
            return new ExistingServerCheck(endpoint.Name, subject, endpoint.AdminUser!, false, ServerConnections.Describe(e, endpoint, endpoint.AdminUser));
        }
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
