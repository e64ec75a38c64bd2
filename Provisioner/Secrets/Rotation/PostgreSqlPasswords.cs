using Npgsql;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Secrets.Rotation;

/// <summary>PostgreSQL: ALTER ROLE … PASSWORD '&lt;SCRAM-SHA-256 verifier&gt;' computed here, so no plaintext reaches the server or its logs.</summary>
public sealed class PostgreSqlPasswords : IServerPasswords
{
    public async Task<LoginResult> TryLoginAsync(ServerEndpoint endpoint, DatabaseSpec database, Secret password, CancellationToken cancellationToken)
    {
        await using var connection = DatabaseConnectionFactory.PostgreSql(endpoint, database.User, password, database.Name, new ConnectionOptions(Pooling: false));
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            return LoginResult.Denied;
        }
        await using var command = new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);
        if (await command.ExecuteScalarAsync(cancellationToken) is not true)
            throw new RotationException($"{database.User} logged in to {endpoint} without TLS; rotation requires a TLS login.");
        return LoginResult.Succeeded;
    }

    public async Task<string> SetPasswordAsync(ServerEndpoint endpoint, DatabaseSpec database, Secret password, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)DatabaseConnectionFactory.Admin(endpoint, options: new ConnectionOptions(Pooling: false));
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = @role", connection))
        {
            exists.Parameters.AddWithValue("role", database.User);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
                throw new RotationException($"Role {database.User} does not exist on {endpoint}: provision it first (`provisioner apply`).");
        }
        var verifier = ScramSha256Verifier.Create(password);
        var role = "\"" + database.User.Replace("\"", "\"\"") + "\"";
        await using var alter = new NpgsqlCommand($"ALTER ROLE {role} PASSWORD '{verifier}'", connection);
        await alter.ExecuteNonQueryAsync(cancellationToken);
        return $"role {database.User} on {endpoint}";
    }
}
