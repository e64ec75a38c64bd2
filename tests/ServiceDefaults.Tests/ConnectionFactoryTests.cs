using Npgsql;
using Rollout.ServiceDefaults.Connections;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Tests;

public sealed class ConnectionFactoryTests
{
    private static ServerSpec PostgreSqlServer()
    {
        var estate = EstateLoader.LoadFile(EstateLoader.Locate(AppContext.BaseDirectory));
        return estate.Servers.First(s => s.Engine == Engine.PostgreSql);
    }

    [Fact]
    public void PostgreSql_connections_verify_the_CA_and_never_negotiate_GSSAPI()
    {
        // GSSAPI "Prefer" (Npgsql's default) opens a second connection after every login pg_hba rejects.
        var endpoint = new ServerEndpoint(PostgreSqlServer(), "127.0.0.1", 5432, null, null, "/etc/rollout/ca.crt");
        using var connection = DatabaseConnectionFactory.PostgreSql(endpoint, "svc_idp", new Secret("unused"), "mo_idp");
        var settings = new NpgsqlConnectionStringBuilder(connection.ConnectionString);

        Assert.Equal(GssEncryptionMode.Disable, settings.GssEncryptionMode);
        Assert.Equal(SslMode.VerifyCA, settings.SslMode);
        Assert.Equal("/etc/rollout/ca.crt", settings.RootCertificate);
    }
}
