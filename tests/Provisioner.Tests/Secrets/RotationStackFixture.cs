using MySqlConnector;
using Npgsql;
using Rollout.TestSupport.Estate;
using Rollout.Provisioner.Secrets.Rotation;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Tests.Secrets;

/// <summary>
/// The local estate (Aspire.Hosting.Testing, EstateTestHost) plus a TEST FIXTURE: the service users the rotation tests rotate
/// (svc_crm and svc_n8n on external-mariadb, svc_idp on external-postgres), created here with a few
/// statements as the Provisioner would, their passwords put in the local secret store. Rotation of
/// users on the Plesk replica is refused, so these live on the managed servers.
/// </summary>
public sealed class RotationStackFixture : IAsyncLifetime
{
    public static readonly string[] MariaDbUsers = ["svc_crm", "svc_n8n"];
    public const string PostgreSqlUser = "svc_idp";

    public EstateTestHost Stack { get; private set; } = null!;

    public Estate Estate => Stack.Estate;

    public async Task InitializeAsync()
    {
        Stack = await EstateTestHost.StartAsync(new EstateTestOptions { EstatePath = SecretsTestSupport.EstatePath });
        try
        {
            foreach (var user in MariaDbUsers) await CreateMariaDbUserAsync(Database(user));
            await CreatePostgreSqlUserAsync(Database(PostgreSqlUser));
        }
        catch
        {
            await Stack.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync() => await Stack.DisposeAsync();

    public DatabaseSpec Database(string user) => Estate.Databases.Single(d => d.User == user);

    public async Task<Secret> CurrentPasswordAsync(string user) =>
        await Stack.Secrets.GetAsync(Database(user).PasswordSecretName, CancellationToken.None)
        ?? throw new InvalidOperationException($"no password of {user} in the local store");

    public async Task<LoginResult> TryLoginAsync(string user, Secret password)
    {
        var database = Database(user);
        var endpoint = Stack.Endpoint(database.ServerName);
        return await IServerPasswords.For(endpoint.Engine).TryLoginAsync(endpoint, database, password, CancellationToken.None);
    }

    /// <summary>The mysql_native_password hash of every host entry of a MariaDB user, as the server stores it.</summary>
    public async Task<IReadOnlyDictionary<string, string>> MariaDbHashesAsync(string user)
    {
        await using var connection = (MySqlConnection)DatabaseConnectionFactory.Admin(Stack.Endpoint("external-mariadb"), options: new ConnectionOptions(Pooling: false));
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT Host, JSON_VALUE(Priv, '$.authentication_string') FROM mysql.global_priv WHERE User = @user", connection);
        command.Parameters.AddWithValue("@user", user);
        var result = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result[reader.GetString(0)] = reader.GetString(1);
        return result;
    }

    private async Task CreateMariaDbUserAsync(DatabaseSpec database)
    {
        var password = GeneratedPassword.New();
        var hash = MariaDbNativePassword.Hash(password);
        await using var connection = (MySqlConnection)DatabaseConnectionFactory.Admin(Stack.Endpoint(database.ServerName), options: new ConnectionOptions(Pooling: false));
        await connection.OpenAsync();
        // Two host entries, as a user reachable from the app server and locally would have: rotation must change both.
        string[] statements =
        [
            $"CREATE DATABASE IF NOT EXISTS `{database.Name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            $"CREATE USER IF NOT EXISTS '{database.User}'@'127.0.0.1' IDENTIFIED BY PASSWORD '{hash}' REQUIRE SSL",
            $"CREATE USER IF NOT EXISTS '{database.User}'@'localhost' IDENTIFIED BY PASSWORD '{hash}' REQUIRE SSL",
            $"GRANT SELECT, INSERT, UPDATE, DELETE ON `{database.Name.Replace("_", "\\_")}`.* TO '{database.User}'@'127.0.0.1'",
        ];
        foreach (var sql in statements)
        {
            await using var command = new MySqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
        await Stack.Secrets.SetAsync(database.PasswordSecretName, password, CancellationToken.None);
    }

    private async Task CreatePostgreSqlUserAsync(DatabaseSpec database)
    {
        var password = GeneratedPassword.New();
        await using var connection = (NpgsqlConnection)DatabaseConnectionFactory.Admin(Stack.Endpoint(database.ServerName), options: new ConnectionOptions(Pooling: false));
        await connection.OpenAsync();
        string[] statements =
        [
            $"CREATE ROLE \"{database.User}\" LOGIN PASSWORD '{ScramSha256Verifier.Create(password)}'",
            $"CREATE DATABASE \"{database.Name}\" OWNER \"{database.User}\"",
        ];
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
        await Stack.Secrets.SetAsync(database.PasswordSecretName, password, CancellationToken.None);
    }

    public ServerEndpoint Endpoint(string server) => Stack.Endpoint(server);
}

[CollectionDefinition("rotation-stack")]
public sealed class RotationStackCollection : ICollectionFixture<RotationStackFixture>;
