using MySqlConnector;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Secrets.Rotation;

/// <summary>
/// MariaDB: ALTER USER … IDENTIFIED BY PASSWORD '*hash' for every host entry of the user (read from
/// mysql.global_priv). MariaDB has no dual passwords, so this is a hard cut-over.
/// </summary>
public sealed class MariaDbPasswords : IServerPasswords
{
    private const int AccessDenied = 1045;

    public async Task<LoginResult> TryLoginAsync(ServerEndpoint endpoint, DatabaseSpec database, Secret password, CancellationToken cancellationToken)
    {
        await using var connection = DatabaseConnectionFactory.MariaDb(endpoint, database.User, password, database.Name, new ConnectionOptions(Pooling: false));
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (MySqlException e) when (e.Number == AccessDenied)
        {
            return LoginResult.Denied;
        }
        await using var command = new MySqlCommand("SHOW SESSION STATUS LIKE 'Ssl_cipher'", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cipher = await reader.ReadAsync(cancellationToken) ? reader.GetString(1) : "";
        if (cipher.Length == 0)
            throw new RotationException($"{database.User} logged in to {endpoint} without TLS; rotation requires a TLS login.");
        return LoginResult.Succeeded;
    }

    public async Task<string> SetPasswordAsync(ServerEndpoint endpoint, DatabaseSpec database, Secret password, CancellationToken cancellationToken)
    {
        await using var connection = (MySqlConnection)DatabaseConnectionFactory.Admin(endpoint, options: new ConnectionOptions(Pooling: false));
        await connection.OpenAsync(cancellationToken);
        var accounts = new List<(string Host, string Plugin)>();
        await using (var query = new MySqlCommand(
            "SELECT Host, COALESCE(JSON_VALUE(Priv, '$.plugin'), '') FROM mysql.global_priv WHERE User = @user ORDER BY Host", connection))
        {
            query.Parameters.AddWithValue("@user", database.User);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) accounts.Add((reader.GetString(0), reader.GetString(1)));
        }
        if (accounts.Count == 0)
            throw new RotationException($"User {database.User} does not exist on {endpoint}: provision it first (`provisioner apply`).");
        var unsupported = accounts.Where(a => a.Plugin is not ("" or "mysql_native_password")).ToList();
        if (unsupported.Count > 0)
            throw new RotationException($"{database.User}@{unsupported[0].Host} on {endpoint} authenticates via {unsupported[0].Plugin}; rotation sets mysql_native_password hashes only. Nothing was changed.");

        var hash = MariaDbNativePassword.Hash(password);
        // One statement for all host entries: they change together or not at all.
        var targets = string.Join(", ", accounts.Select(a => $"{Literal(database.User)}@{Literal(a.Host)} IDENTIFIED BY PASSWORD '{hash}'"));
        await using var alter = new MySqlCommand($"ALTER USER {targets}", connection);
        await alter.ExecuteNonQueryAsync(cancellationToken);
        return $"{string.Join(", ", accounts.Select(a => $"'{database.User}'@'{a.Host}'"))} on {endpoint}";
    }

    private static string Literal(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "''") + "'";
}
