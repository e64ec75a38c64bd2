using MySqlConnector;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Local.MariaDb;

/// <summary>
/// Makes the local stand-in of the existing (Plesk) server hold what the plan says already exists
/// there: its databases and their users with the plan's privileges on their own database only,
/// REQUIRE SSL. Users get the yaml's userHost (localhost) and, because local clients arrive over TCP
/// and skip_name_resolve matches 127.0.0.1 only by address, the same account @127.0.0.1 as well.
/// Passwords come from (or are generated into) the local secret store under
/// DatabaseSpec.PasswordSecretName. Idempotent: a second run changes nothing.
/// </summary>
public sealed class PleskReplicaSeeder(LocalServerContext context)
{
    public const string LoopbackHost = "127.0.0.1";

    public static IReadOnlyList<string> HostsOf(DatabaseSpec database) =>
        new[] { database.UserHost ?? "localhost", LoopbackHost }.Distinct().ToList();

    public async Task SeedAsync(MySqlConnection admin, ServerSpec server, CancellationToken cancellationToken)
    {
        var estate = context.Estate;
        var local = estate.Environments.First(e => e.Kind == EnvironmentKind.Local);
        var privileges = string.Join(", ", estate.Grants.MariaDb);
        var statements = new List<string>();
        foreach (var database in estate.EnabledDatabases(local).Where(d => d.ServerName == server.Name))
        {
            var password = await context.EnsureSecretAsync(database.PasswordSecretName, cancellationToken);
            var charset = database.Charset is null ? "" : $" CHARACTER SET {database.Charset}";
            var collation = database.Collation is null ? "" : $" COLLATE {database.Collation}";
            statements.Add($"CREATE DATABASE IF NOT EXISTS {MariaDbSql.Identifier(database.Name)}{charset}{collation}");
            foreach (var host in HostsOf(database))
            {
                statements.AddRange(MariaDbSql.EnsureUser(database.User, host, password));
                statements.Add($"GRANT {privileges} ON {MariaDbSql.GrantDatabase(database.Name)}.* TO {MariaDbSql.Account(database.User, host)}");
            }
        }
        foreach (var statement in statements)
        {
            await using var command = new MySqlCommand(statement, admin);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
