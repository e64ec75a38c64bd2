using System.Net;
using Npgsql;
using Rollout.AppHost.Local;
using Rollout.AppHost.Publishing.HostConfig;
using Rollout.AppHost.Tests.Publishing;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Local;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Tests.Stack;

/// <summary>
/// The local PostgreSQL runs with the production pg_hba.conf: each service role reaches only its own database, even
/// where PUBLIC has CONNECT, because pg_hba refuses the login before any ACL is read; the admin reaches every database.
/// </summary>
[Collection("stack")]
public sealed class LocalPgHbaTests(StackFixture fixture)
{
    private const string ServerName = "external-postgres";

    private EstateTestHost Stack => fixture.Stack;

    private ServerEndpoint Admin => Stack.Endpoint(ServerName);

    private string HbaPath => Path.Combine(Stack.Runtime.Layout.Data(ServerName), "pg_hba.conf");

    [Fact]
    public async Task The_local_rules_are_the_published_production_rules_with_the_app_server_at_127_0_0_1()
    {
        // Production published with the local app server address and admin role: rule for rule the local file.
        using var production = await PublishedEstate.PublishAsync(variables: new Dictionary<string, string>(PublishedEstate.ProductionVariables)
        {
            ["PLESK_SERVER_IP"] = "127.0.0.1",
            ["PG_ADMIN_USER"] = LocalSecretNames.AdminUser,
        });
        var local = await File.ReadAllTextAsync(HbaPath);

        Assert.Equal(Rules(production.Text($"hosts/{ServerName}/{PostgreSqlServerConfig.HbaFileName}")), Rules(local));
        foreach (var database in Stack.Estate.DatabasesOn(ServerName))
            Assert.Contains(Rules(local), r => r == $"hostssl {database.Name} {database.User} 127.0.0.1/32 scram-sha-256");
        Assert.Contains(Rules(local), r => r == $"hostssl all {LocalSecretNames.AdminUser} 127.0.0.1/32 scram-sha-256");
    }

    [Fact]
    public async Task A_service_role_reaches_only_its_own_database_even_where_PUBLIC_has_CONNECT_and_the_admin_reaches_all()
    {
        var databases = Stack.Estate.DatabasesOn(ServerName).Take(2).ToList();
        var (own, other) = (databases[0], databases[1]);
        var password = new Secret(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        string[] everywhere = [own.Name, other.Name, "postgres", "template1"];
        await AdminSqlAsync("postgres", [$"CREATE ROLE {own.User} LOGIN PASSWORD '{password.Reveal()}'", $"CREATE ROLE {other.User} LOGIN",
            $"CREATE DATABASE {own.Name} OWNER {own.User}", $"CREATE DATABASE {other.Name} OWNER {other.User}",
            .. everywhere.Select(d => $"GRANT CONNECT ON DATABASE {d} TO PUBLIC")]);
        try
        {
            await using (var connection = DatabaseConnectionFactory.PostgreSql(Admin, own.User, password, own.Name, new ConnectionOptions(Pooling: false)))
                await connection.OpenAsync();

            foreach (var database in everywhere.Skip(1))
            {
                var refusal = await RefusalAsync(Admin, own.User, password, database);
                Assert.Contains($"pg_hba.conf rejects connection for host \"127.0.0.1\", user \"{own.User}\", database \"{database}\", SSL encryption",
                    refusal.MessageText, StringComparison.Ordinal);
            }
            // Plaintext from the app server address and TLS from another address (127.0.0.2): refused by pg_hba as well.
            var plain = await RefusalAsync(Admin, own.User, password, own.Name, new ConnectionOptions(Pooling: false, RequireTls: false));
            Assert.Contains("no encryption", plain.MessageText, StringComparison.Ordinal);
            await using (var relay = new TcpRelay(IPAddress.Parse("127.0.0.2"), new IPEndPoint(IPAddress.Parse(Admin.Host), Admin.Port)))
            {
                var foreign = await RefusalAsync(Admin with { Port = relay.Port }, own.User, password, own.Name);
                Assert.Contains("pg_hba.conf rejects connection for host \"127.0.0.2\"", foreign.MessageText, StringComparison.Ordinal);
            }

            foreach (var database in everywhere)
                await AdminSqlAsync(database, "SELECT 1");
        }
        finally
        {
            await AdminSqlAsync("postgres", $"DROP DATABASE {own.Name} WITH (FORCE)", $"DROP DATABASE {other.Name} WITH (FORCE)",
                $"DROP ROLE {own.User}", $"DROP ROLE {other.User}");
        }
    }

    [Fact]
    public async Task Another_admin_role_is_admitted_on_request_after_a_reload_and_the_start_up_file_comes_back()
    {
        const string role = "rollout_probe_admin";
        var password = new Secret(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        var startUp = await File.ReadAllTextAsync(HbaPath);
        await AdminSqlAsync("postgres", $"CREATE ROLE {role} LOGIN PASSWORD '{password.Reveal()}'");
        try
        {
            Assert.Contains($"pg_hba.conf rejects connection for host \"127.0.0.1\", user \"{role}\"", (await RefusalAsync(Admin, role, password, "template1")).MessageText, StringComparison.Ordinal);

            await Stack.AdmitPostgreSqlAdminRolesAsync(ServerName, [role]);
            await using (var connection = DatabaseConnectionFactory.PostgreSql(Admin, role, password, "template1", new ConnectionOptions(Pooling: false)))
                await connection.OpenAsync();

            await Stack.AdmitPostgreSqlAdminRolesAsync(ServerName, []);
            Assert.Equal(startUp, await File.ReadAllTextAsync(HbaPath));
            Assert.Contains($"pg_hba.conf rejects connection for host \"127.0.0.1\", user \"{role}\"", (await RefusalAsync(Admin, role, password, "template1")).MessageText, StringComparison.Ordinal);
        }
        finally
        {
            await Stack.AdmitPostgreSqlAdminRolesAsync(ServerName, []);
            await AdminSqlAsync("postgres", $"DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task A_file_PostgreSQL_would_refuse_is_not_reloaded_and_the_previous_one_is_put_back()
    {
        var startUp = await File.ReadAllTextAsync(HbaPath);

        var error = await Assert.ThrowsAsync<LocalServerException>(() => Stack.AdmitPostgreSqlAdminRolesAsync(ServerName, ["no such role"]));

        Assert.Contains($"'{ServerName}': pg_hba.conf was not reloaded, PostgreSQL would refuse it (line ", error.Message, StringComparison.Ordinal);
        Assert.Contains("the previous file stays in force", error.Message, StringComparison.Ordinal);
        Assert.Equal(startUp, await File.ReadAllTextAsync(HbaPath));
        await AdminSqlAsync("template1", "SELECT 1");
    }

    [Fact]
    public async Task Admitting_admin_roles_on_a_server_that_is_not_PostgreSQL_is_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Stack.AdmitPostgreSqlAdminRolesAsync("external-mariadb", ["rollout_probe_admin"]));
        Assert.StartsWith("'external-mariadb' is not a PostgreSQL server of this stack.", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The rules of a pg_hba.conf, comments dropped and columns single-spaced.</summary>
    private static List<string> Rules(string hba) =>
        hba.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();

    private async Task AdminSqlAsync(string database, params string[] statements)
    {
        await using var connection = DatabaseConnectionFactory.PostgreSql(Admin, Admin.AdminUser!, Admin.AdminPassword!, database, new ConnectionOptions(Pooling: false));
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static Task<PostgresException> RefusalAsync(ServerEndpoint endpoint, string user, Secret password, string database, ConnectionOptions? options = null) =>
        PgHbaTests.RefusalAsync(endpoint, user, password, database, options ?? new ConnectionOptions(Pooling: false));
}
