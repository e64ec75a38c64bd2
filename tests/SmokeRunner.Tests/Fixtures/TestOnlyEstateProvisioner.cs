using System.Data.Common;
using System.Security.Cryptography;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Tests.Fixtures;

/// <summary>
/// TEST FIXTURE ONLY — not the Provisioner. Brings the managed databases of a bound local
/// environment (external MariaDB and PostgreSQL: 12 databases with the local optional ones) to what
/// the plan says, with the plainest SQL, so the SmokeRunner has a correctly provisioned estate to
/// judge: CREATE DATABASE/USER/ROLE, the plan's GRANTs (escaped `db`.*), REQUIRE SSL, PostgreSQL
/// ownership and REVOKE CONNECT FROM PUBLIC (also on postgres and template1), no anonymous users
/// and no remote root. Passwords go to the local secret store under DatabaseSpec.PasswordSecretName.
/// Replace with the real Provisioner (plan/apply, branch provisioner) when it is merged.
/// </summary>
internal static class TestOnlyEstateProvisioner
{
    public static async Task ProvisionAsync(EnvironmentBinding binding, ISecretStore secrets, CancellationToken cancellationToken)
    {
        foreach (var endpoint in binding.Servers.Values.Where(s => s.Server.IsDatabaseServer && !s.Server.Existing))
        {
            var databases = binding.DatabasesOn(endpoint.Name).ToList();
            var passwords = new Dictionary<string, string>();
            foreach (var database in databases)
            {
                passwords[database.Name] = Convert.ToHexString(RandomNumberGenerator.GetBytes(18)).ToLowerInvariant();
                await secrets.SetAsync(database.PasswordSecretName, new Secret(passwords[database.Name]), cancellationToken);
            }
            if (endpoint.Engine == Engine.MariaDb)
                await ProvisionMariaDbAsync(binding, endpoint, databases, passwords, cancellationToken);
            else
                await ProvisionPostgreSqlAsync(endpoint, databases, passwords, cancellationToken);
        }
    }

    private static async Task ProvisionMariaDbAsync(EnvironmentBinding binding, ServerEndpoint endpoint, List<DatabaseSpec> databases, Dictionary<string, string> passwords, CancellationToken cancellationToken)
    {
        await using var admin = DatabaseConnectionFactory.Admin(endpoint, null, new ConnectionOptions(Pooling: false));
        await admin.OpenAsync(cancellationToken);
        var hardening = await ListAsync(admin,
            "SELECT CONCAT('DROP USER ''', User, '''@''', Host, '''') FROM mysql.global_priv " +
            "WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost', '127.0.0.1', '::1'))", cancellationToken);
        var privileges = string.Join(", ", binding.Estate.Grants.MariaDb);
        var host = binding.AppServerIp.ToString();
        var statements = new List<string>(hardening);
        foreach (var database in databases)
        {
            var account = $"'{database.User}'@'{host}'";
            statements.Add($"CREATE DATABASE IF NOT EXISTS `{database.Name}` CHARACTER SET {database.Charset ?? "utf8mb4"} COLLATE {database.Collation ?? "utf8mb4_unicode_ci"}");
            statements.Add($"CREATE USER IF NOT EXISTS {account} IDENTIFIED BY '{passwords[database.Name]}' REQUIRE SSL");
            statements.Add($"ALTER USER {account} IDENTIFIED BY '{passwords[database.Name]}' REQUIRE SSL");
            statements.Add($"GRANT {privileges} ON `{database.Name.Replace("_", "\\_", StringComparison.Ordinal)}`.* TO {account}");
        }
        await ExecuteAsync(admin, statements, cancellationToken);
    }

    private static async Task ProvisionPostgreSqlAsync(ServerEndpoint endpoint, List<DatabaseSpec> databases, Dictionary<string, string> passwords, CancellationToken cancellationToken)
    {
        await using var admin = DatabaseConnectionFactory.Admin(endpoint, "postgres", new ConnectionOptions(Pooling: false));
        await admin.OpenAsync(cancellationToken);
        var statements = new List<string>();
        foreach (var database in databases)
        {
            statements.Add($"CREATE ROLE {database.User} LOGIN PASSWORD '{passwords[database.Name]}'");
            statements.Add($"CREATE DATABASE {database.Name} OWNER {database.User} ENCODING '{database.Encoding ?? "UTF8"}' " +
                           $"LC_COLLATE '{database.LcCollate ?? "C.UTF-8"}' LC_CTYPE '{database.LcCtype ?? "C.UTF-8"}' TEMPLATE template0");
            statements.Add($"REVOKE CONNECT, TEMPORARY ON DATABASE {database.Name} FROM PUBLIC");
        }
        statements.Add("REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC");
        await ExecuteAsync(admin, statements, cancellationToken);
    }

    public static async Task ExecuteAsync(DbConnection connection, IEnumerable<string> statements, CancellationToken cancellationToken)
    {
        foreach (var statement in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = statement;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<List<string>> ListAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) values.Add(reader.GetString(0));
        return values;
    }
}
