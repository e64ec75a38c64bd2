using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using MySqlConnector;
using Npgsql;
using Rollout.AppHost.Local.Redis;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Local;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Tests.Stack;

[Collection("stack")]
public sealed class StackTests(StackFixture fixture)
{
    private EstateTestHost Stack => fixture.Stack;

    [Fact]
    public async Task Every_server_of_the_local_environment_is_running_and_answers()
    {
        var binding = await Stack.BindAsync();
        Assert.Equal(Stack.Estate.Servers.Select(s => s.Name).Order(), binding.Servers.Keys.Order());
        foreach (var server in Stack.Estate.EnabledServers(Stack.Runtime.Environment))
        {
            Assert.True(Stack.App.ResourceNotifications.TryGetCurrentState(server.Name, out var state));
            Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, state.Snapshot.HealthStatus);
            Assert.NotNull(Stack.ServerPid(server.Name));
        }
        Assert.Equal(1L, Convert.ToInt64(await ScalarAsync(Stack.Endpoint("external-mariadb"), "SELECT 1")));
        Assert.Equal(1L, Convert.ToInt64(await ScalarAsync(Stack.Endpoint("external-postgres"), "SELECT 1")));
        var redis = Stack.Endpoint("redis");
        Assert.Equal("+PONG", await RedisServer.PingAsync(redis.Host, redis.Port, Stack.CaCertificatePath, CancellationToken.None));
    }

    [Fact]
    public async Task Every_database_connection_is_encrypted()
    {
        await using (var maria = (MySqlConnection)DatabaseConnectionFactory.Admin(Stack.Endpoint("external-mariadb")))
        {
            await maria.OpenAsync();
            await using var command = new MySqlCommand("SHOW SESSION STATUS LIKE 'Ssl_cipher'", maria);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.NotEqual("", reader.GetString(1));
        }
        await using (var plesk = await OpenServiceUserAsync(Stack.Estate.Database("mo_main")))
        {
            await using var command = new MySqlCommand("SHOW SESSION STATUS LIKE 'Ssl_version'", plesk);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.StartsWith("TLSv1.", reader.GetString(1));
        }
        Assert.Equal(true, await ScalarAsync(Stack.Endpoint("external-postgres"), "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    }

    [Fact]
    public async Task A_plaintext_connection_is_refused_by_every_server()
    {
        var plaintext = new ConnectionOptions(Pooling: false, RequireTls: false);
        // MariaDB refuses twice over: the server (require_secure_transport) and every account (REQUIRE SSL,
        // which answers first with "Access denied").
        Assert.Equal(1L, Convert.ToInt64(await ScalarAsync(Stack.Endpoint("external-mariadb"), "SELECT @@require_secure_transport")));
        await using (var maria = (MySqlConnection)DatabaseConnectionFactory.Admin(Stack.Endpoint("external-mariadb"), options: plaintext))
        {
            var error = await Assert.ThrowsAsync<MySqlException>(() => maria.OpenAsync());
            Assert.Matches("insecure transport|Access denied", error.Message);
        }
        // An account without REQUIRE SSL shows the server-wide refusal itself: the same password works
        // over TLS and is refused in plaintext (MariaDB 10.11 reports require_secure_transport as "Access denied").
        var probePassword = new Secret(Guid.NewGuid().ToString("N"));
        await ExecuteAsync(Stack.Endpoint("external-mariadb"), $"CREATE USER 'plaintext_probe'@'127.0.0.1' IDENTIFIED BY '{probePassword.Reveal()}'");
        try
        {
            await using (var encrypted = DatabaseConnectionFactory.MariaDb(Stack.Endpoint("external-mariadb"), "plaintext_probe", probePassword, null, new ConnectionOptions(Pooling: false)))
                await encrypted.OpenAsync();
            await using var probe = DatabaseConnectionFactory.MariaDb(Stack.Endpoint("external-mariadb"), "plaintext_probe", probePassword, null, plaintext);
            var error = await Assert.ThrowsAsync<MySqlException>(() => probe.OpenAsync());
            Assert.Matches("insecure transport|Access denied", error.Message);
        }
        finally
        {
            await ExecuteAsync(Stack.Endpoint("external-mariadb"), "DROP USER 'plaintext_probe'@'127.0.0.1'");
        }
        var mainDb = Stack.Estate.Database("mo_main");
        var mainPassword = (await Stack.Secrets.GetAsync(mainDb.PasswordSecretName, CancellationToken.None))!;
        await using (var plesk = DatabaseConnectionFactory.MariaDb(Stack.Endpoint("plesk"), mainDb.User, mainPassword, mainDb.Name, plaintext))
        {
            var error = await Assert.ThrowsAsync<MySqlException>(() => plesk.OpenAsync());
            Assert.Matches("insecure transport|Access denied", error.Message);
        }
        await using (var pg = (NpgsqlConnection)DatabaseConnectionFactory.Admin(Stack.Endpoint("external-postgres"), options: plaintext))
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => pg.OpenAsync());
            Assert.Equal("28000", error.SqlState);
            Assert.Contains("no encryption", error.MessageText);
        }
        // Redis listens with TLS only (port 0): a plaintext PING gets no +PONG.
        var redis = Stack.Endpoint("redis");
        using var client = new TcpClient();
        await client.ConnectAsync(redis.Host, redis.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[64];
        stream.ReadTimeout = 3000;
        var read = 0;
        try
        {
            read = stream.Read(buffer);
        }
        catch (IOException)
        {
        }
        Assert.DoesNotContain("PONG", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
    }

    [Fact]
    public async Task The_plesk_replica_holds_its_five_databases_and_their_users_restricted_to_their_own_database()
    {
        var pleskDatabases = Stack.Estate.Databases.Where(d => d.ServerName == "plesk").ToList();
        Assert.Equal(5, pleskDatabases.Count);
        foreach (var database in pleskDatabases)
        {
            await using var connection = await OpenServiceUserAsync(database);
            await using (var command = new MySqlCommand("SELECT DATABASE(), CURRENT_USER()", connection))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                Assert.True(await reader.ReadAsync());
                Assert.Equal(database.Name, reader.GetString(0));
                Assert.Equal($"{database.User}@127.0.0.1", reader.GetString(1));
            }
            await using (var command = new MySqlCommand(
                "SELECT TABLE_SCHEMA, GROUP_CONCAT(PRIVILEGE_TYPE ORDER BY PRIVILEGE_TYPE) FROM information_schema.SCHEMA_PRIVILEGES GROUP BY TABLE_SCHEMA", connection))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                Assert.True(await reader.ReadAsync());
                Assert.Equal(database.Name.Replace("_", "\\_"), reader.GetString(0));
                Assert.Equal(string.Join(",", Stack.Estate.Grants.MariaDb.Order(StringComparer.Ordinal)), reader.GetString(1));
                Assert.False(await reader.ReadAsync());
            }
            var other = pleskDatabases.First(d => d.Name != database.Name);
            var denied = await Assert.ThrowsAsync<MySqlException>(async () =>
            {
                await using var command = new MySqlCommand($"USE `{other.Name}`", connection);
                await command.ExecuteNonQueryAsync();
            });
            Assert.Contains("Access denied", denied.Message);
        }

        // Both accounts (yaml userHost and 127.0.0.1 for TCP clients) exist with REQUIRE SSL (ssl_type 1 = ANY).
        var adminPassword = (await Stack.Secrets.GetAsync(LocalSecretNames.AdminPassword("plesk"), CancellationToken.None))!;
        var pleskEndpoint = Stack.Endpoint("plesk");
        await using var admin = DatabaseConnectionFactory.MariaDb(pleskEndpoint, LocalSecretNames.AdminUser, adminPassword, null);
        await admin.OpenAsync();
        await using var accounts = new MySqlCommand(
            "SELECT CONCAT(User, '@', Host), JSON_VALUE(Priv, '$.ssl_type') FROM mysql.global_priv WHERE User LIKE 'svc\\_%' ORDER BY 1", admin);
        await using var rows = await accounts.ExecuteReaderAsync();
        var found = new List<string>();
        while (await rows.ReadAsync())
        {
            found.Add(rows.GetString(0));
            Assert.Equal("1", rows.GetString(1));
        }
        Assert.Equal(pleskDatabases.SelectMany(d => new[] { $"{d.User}@127.0.0.1", $"{d.User}@localhost" }).Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_binding_exposes_the_admins_and_resources_json_no_secret()
    {
        var binding = await Stack.BindAsync();
        // The Plesk replica's admin is bound for read-only sessions (baseline, documented accounts), like a production Plesk admin.
        Assert.Equal(LocalSecretNames.AdminUser, binding.Servers["plesk"].AdminUser);
        Assert.NotNull(binding.Servers["plesk"].AdminPassword);
        Assert.Null(binding.Servers["redis"].AdminUser);
        Assert.Equal(LocalSecretNames.AdminUser, binding.Servers["external-mariadb"].AdminUser);
        Assert.Equal(Stack.CaCertificatePath, binding.Servers["external-postgres"].CaFile);

        var snapshot = await ResourceSnapshot.ReadAsync(Stack.StateDirectory, CancellationToken.None);
        Assert.Equal(Stack.CaCertificatePath, snapshot.CaCertificate);
        var crm = snapshot.Resources.Single(r => r.Name == "mo_crm");
        Assert.Equal("Database", crm.Kind);
        Assert.Contains($"Password={Secret.Mask}", crm.ConnectionString);
        var json = await File.ReadAllTextAsync(Path.Combine(Stack.StateDirectory, ResourceSnapshot.FileName));
        foreach (var name in await Stack.Secrets.NamesAsync(CancellationToken.None))
            Assert.DoesNotContain((await Stack.Secrets.GetAsync(name, CancellationToken.None))!.Reveal(), json);
        foreach (var log in Directory.GetFiles(Path.Combine(Stack.StateDirectory, "logs")))
        {
            var text = await File.ReadAllTextAsync(log);
            foreach (var name in await Stack.Secrets.NamesAsync(CancellationToken.None))
                Assert.DoesNotContain((await Stack.Secrets.GetAsync(name, CancellationToken.None))!.Reveal(), text);
        }
    }

    [Fact]
    public async Task A_database_connection_string_evaluates_with_the_service_users_password()
    {
        var text = await Stack.GetConnectionStringAsync("mo_votes");
        var builder = new MySqlConnectionStringBuilder(text) { SslCa = Stack.CaCertificatePath, SslMode = MySqlSslMode.VerifyCA, Pooling = false };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal("mo_votes", connection.Database);
    }

    private async Task<MySqlConnection> OpenServiceUserAsync(DatabaseSpec database)
    {
        var password = (await Stack.Secrets.GetAsync(database.PasswordSecretName, CancellationToken.None))!;
        var connection = DatabaseConnectionFactory.MariaDb(Stack.Endpoint(database.ServerName), database.User, password, database.Name,
            new ConnectionOptions(Pooling: false));
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(Topology.Binding.ServerEndpoint endpoint, string sql) => await ScalarAsync(endpoint, sql);

    private static async Task<object?> ScalarAsync(Topology.Binding.ServerEndpoint endpoint, string sql)
    {
        await using var connection = DatabaseConnectionFactory.Admin(endpoint, options: new ConnectionOptions(Pooling: false));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
