using Rollout.Provisioner.Engines.MariaDb;
using Rollout.Provisioner.Engines.PostgreSql;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Engines;

/// <summary>The engine implementation for a server's engine.</summary>
public static class EngineCatalog
{
    private static readonly MariaDbEngine MariaDb = new();
    private static readonly PostgreSqlEngine PostgreSql = new();

    public static IDatabaseEngine For(Engine engine) => engine switch
    {
        Engine.MariaDb => MariaDb,
        Engine.PostgreSql => PostgreSql,
        _ => throw new NotSupportedException($"The Provisioner manages MariaDB and PostgreSQL servers, not {engine}."),
    };
}
