using System.Net;
using Npgsql;
using Rollout.ServiceDefaults.Connections;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Tests.Publishing;

/// <summary>
/// The generated pg_hba.conf on a real PostgreSQL 15: the service role gets in from the app server
/// address over TLS, and nowhere else — not without TLS, not from 127.0.0.2, not into another database.
/// </summary>
public sealed class PgHbaTests
{
    private static readonly string ServerName = PublishedEstate.Estate.Databases.First(d => PublishedEstate.Estate.Server(d.ServerName).Engine == Engine.PostgreSql).ServerName;

    [RootFact]
    public async Task Generated_pg_hba_admits_the_service_user_only_over_TLS_from_the_app_server()
    {
        var estate = PublishedEstate.Estate;
        var database = estate.DatabasesOn(ServerName).First();
        var other = estate.DatabasesOn(ServerName).First(d => d != database);
        using var published = await PublishedEstate.PublishAsync(variables: new Dictionary<string, string>
        {
            ["PLESK_SERVER_IP"] = "127.0.0.1",
            ["ADMIN_IP_1"] = "127.0.0.1",
            ["PG_ADMIN_USER"] = "rollout_admin",
        });
        await using var postgres = await PostgreSqlWithGeneratedHba.StartAsync(published, ServerName);
        var password = new Secret(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        await postgres.SqlAsync($"CREATE ROLE {database.User} LOGIN PASSWORD '{password.Reveal()}'", $"CREATE DATABASE {database.Name} OWNER {database.User}",
            $"CREATE ROLE {other.User} LOGIN", $"CREATE DATABASE {other.Name} OWNER {other.User}");

        var direct = Endpoint(postgres.Port, postgres.CaCertificate);

        // Over TLS from 127.0.0.1 (the app server address it was published for): in, and encrypted.
        await using (var connection = DatabaseConnectionFactory.PostgreSql(direct, database.User, password, database.Name))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);
            Assert.Equal(true, await command.ExecuteScalarAsync());
        }

        // Without TLS: refused by pg_hba (there is no host line for it).
        var plain = await RefusalAsync(direct, database.User, password, database.Name, new ConnectionOptions(Pooling: false, RequireTls: false));
        Assert.Contains("no encryption", plain.MessageText, StringComparison.Ordinal);

        // Into a database that is not its own: refused.
        var foreign = await RefusalAsync(direct, database.User, password, other.Name, new ConnectionOptions(Pooling: false));
        Assert.Contains("pg_hba.conf rejects connection", foreign.MessageText, StringComparison.Ordinal);

        // From 127.0.0.2 — the same client and TLS, only the source address differs — refused; via 127.0.0.1 the relay works.
        var target = new IPEndPoint(IPAddress.Loopback, postgres.Port);
        await using (var relayFromApp = new TcpRelay(IPAddress.Loopback, target))
        await using (var connection = DatabaseConnectionFactory.PostgreSql(Endpoint(relayFromApp.Port, postgres.CaCertificate), database.User, password, database.Name, new ConnectionOptions(Pooling: false)))
        {
            await connection.OpenAsync();
        }
        await using (var relayFromElsewhere = new TcpRelay(IPAddress.Parse("127.0.0.2"), target))
        {
            var elsewhere = await RefusalAsync(Endpoint(relayFromElsewhere.Port, postgres.CaCertificate), database.User, password, database.Name, new ConnectionOptions(Pooling: false));
            Assert.Contains("\"127.0.0.2\"", elsewhere.MessageText, StringComparison.Ordinal);
            Assert.Contains("rejects connection", elsewhere.MessageText, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(password.Reveal(), postgres.Log, StringComparison.Ordinal);
    }

    private static ServerEndpoint Endpoint(int port, string caFile) =>
        new(PublishedEstate.Estate.Server(ServerName), "127.0.0.1", port, null, null, caFile);

    /// <summary>Asserts that the login is refused with SQLSTATE 28000 (pg_hba) and returns the server's error.</summary>
    internal static async Task<PostgresException> RefusalAsync(ServerEndpoint endpoint, string user, Secret password, string database, ConnectionOptions options)
    {
        await using var connection = DatabaseConnectionFactory.PostgreSql(endpoint, user, password, database, options);
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
        Assert.Equal("28000", error.SqlState);
        return error;
    }
}
