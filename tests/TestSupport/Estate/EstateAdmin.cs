using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.TestSupport.Estate;

/// <summary>What tests do behind the programs' backs on a bound estate: break (then repair) one thing as a server's
/// admin, and collect every secret value that must never appear in any output.</summary>
public static class EstateAdmin
{
    /// <summary>Runs statements as the server's admin account (PostgreSQL: in the postgres database).</summary>
    public static async Task ExecuteAsync(EnvironmentBinding binding, string server, params string[] statements)
    {
        var endpoint = binding.Servers[server];
        await using var admin = DatabaseConnectionFactory.Admin(endpoint, endpoint.Engine == Engine.PostgreSql ? "postgres" : null, new ConnectionOptions(Pooling: false));
        await admin.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = admin.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Every secret value of a state directory's store.</summary>
    public static async Task<IReadOnlyList<string>> SecretValuesAsync(LocalSecretStore secrets)
    {
        var values = new List<string>();
        foreach (var name in await secrets.NamesAsync(CancellationToken.None))
            if (await secrets.GetAsync(name, CancellationToken.None) is { } secret) values.Add(secret.Reveal());
        return values;
    }
}
