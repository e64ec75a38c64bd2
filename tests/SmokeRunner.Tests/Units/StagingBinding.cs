using Rollout.Topology.Binding;
using Rollout.Topology.Loading;

namespace Rollout.SmokeRunner.Tests.Units;

/// <summary>The real rollout.yaml bound to `staging` from made-up variables: a full 17-database binding without servers.</summary>
internal static class StagingBinding
{
    public static string EstatePath { get; } = EstateLoader.Locate(AppContext.BaseDirectory);

    public static readonly Dictionary<string, string> Variables = new()
    {
        ["PLESK_SERVER_IP"] = "203.0.113.10",
        ["ADMIN_IP_1"] = "198.51.100.7",
        ["MYSQL_HOST"] = "db-mariadb.example.net",
        ["MYSQL_ADMIN_USER"] = "admin",
        ["MYSQL_ADMIN_PASS"] = "admin-value-not-used",
        ["PG_HOST"] = "db-postgres.example.net",
        ["PG_ADMIN_USER"] = "postgres",
        ["PG_ADMIN_PASS"] = "pg-value-not-used",
        ["REDIS_HOST"] = "cache.example.net",
    };

    public static EnvironmentBinding Bind() =>
        RemoteEnvironmentBinder.Bind(EstateLoader.LoadFile(EstatePath), "staging", name => Variables.GetValueOrDefault(name));
}
