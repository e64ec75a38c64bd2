namespace Rollout.Topology.Model;

public enum Engine { MariaDb, PostgreSql, Redis }

/// <summary>A database server of the estate. <see cref="Existing"/> servers are read, never written.</summary>
public sealed record ServerSpec(string Name, Engine Engine, bool Existing, bool Optional, string Description)
{
    public bool IsDatabaseServer => Engine is Engine.MariaDb or Engine.PostgreSql;

    /// <summary>The engine's standard port, used where an environment does not set one.</summary>
    public int DefaultPort => Engine switch
    {
        Engine.MariaDb => 3306,
        Engine.PostgreSql => 5432,
        _ => 6379,
    };
}
