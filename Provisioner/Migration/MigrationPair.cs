using MySqlConnector;
using Rollout.Provisioner.Commands;
using Rollout.Provisioner.Engines;
using Rollout.ServiceDefaults.Connections;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Migration;

/// <summary>Bad input to migrate (unknown database, no migrateFrom, …): nothing was done, exit 3.</summary>
public sealed class MigrationInputException(string message) : Exception(message);

/// <summary>A migration step that failed; the message names database, table and key range where there is one.</summary>
public sealed class MigrationFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One database being moved: the existing source server (read only, as the database's own service user: the only
/// account Rollout holds there) and the managed target (its admin, and the service user that will own the objects).
/// </summary>
public sealed record MigrationPair(DatabaseSpec Database, ServerEndpoint Source, ServerEndpoint Target, Secret ServicePassword, string TargetUserHost)
{
    public const string ApplicationName = "rollout-migrate";

    public string Name => Database.Name;
    public string ServiceUser => Database.User;

    public static async Task<MigrationPair> ResolveAsync(ProvisionerContext context, string databaseName, CancellationToken cancellationToken)
    {
        var binding = context.Binding;
        var database = binding.Estate.Databases.FirstOrDefault(d => d.Name == databaseName)
            ?? throw new MigrationInputException($"database '{databaseName}' is not in {binding.Estate.SourcePath} (databases: {string.Join(", ", binding.Estate.Databases.Select(d => d.Name))}).");
        if (database.MigrateFrom is not { } sourceName)
            throw new MigrationInputException($"databases.{database.Name} has no migrateFrom in {binding.Estate.SourcePath}: to move it, set its server to the managed server and add `migrateFrom: <existing server>` (e.g. server: external-mariadb, migrateFrom: plesk), then run apply.");
        if (!binding.Databases.Contains(database))
            throw new MigrationInputException($"database '{database.Name}' is not enabled in environment '{binding.Name}' (optionalDatabases).");
        if (!binding.Servers.TryGetValue(sourceName, out var source))
            throw new MigrationInputException($"server '{sourceName}' (migrateFrom of {database.Name}) is not bound in environment '{binding.Name}'.");
        var target = binding.EndpointOf(database);
        var stored = await context.Passwords.GetManyAsync([database.PasswordSecretName], cancellationToken);
        var password = stored.GetValueOrDefault(database.PasswordSecretName)
            ?? throw new MigrationInputException($"{database.PasswordSecretName} (password of {database.User}) is not in {context.Passwords.Description}: the source is read as that user.");
        return new MigrationPair(database, source, target, password, EngineCatalog.For(target.Engine).AccountFor(database, binding.AppServerIp.ToString()).Host ?? binding.AppServerIp.ToString());
    }

    /// <summary>The source as the service user, in a read-only session: the server itself refuses any write we might send.</summary>
    public Task<MySqlConnection> OpenSourceAsync(CancellationToken cancellationToken) =>
        OpenAsync(DatabaseConnectionFactory.MariaDb(Source, ServiceUser, ServicePassword, Database.Name, Options), Source, ServiceUser, readOnly: true, cancellationToken);

    public Task<MySqlConnection> OpenTargetAdminAsync(CancellationToken cancellationToken) =>
        OpenAsync((MySqlConnection)DatabaseConnectionFactory.Admin(Target, null, Options), Target, Target.AdminUser, readOnly: false, cancellationToken);

    private static ConnectionOptions Options => new(Pooling: false, ApplicationName: ApplicationName);

    private static async Task<MySqlConnection> OpenAsync(MySqlConnection connection, ServerEndpoint endpoint, string? user, bool readOnly, CancellationToken cancellationToken)
    {
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is MySqlException or IOException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw new MigrationFailedException(ServerConnections.Describe(e, endpoint, user), e);
        }
        // The same session settings on both sides, so that the same query renders values the same way (TIMESTAMP, CHAR padding).
        var session = "SET SESSION time_zone = '+00:00', SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'";
        if (readOnly) session += "; SET SESSION TRANSACTION READ ONLY";
        await using var command = new MySqlCommand(session, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }
}
