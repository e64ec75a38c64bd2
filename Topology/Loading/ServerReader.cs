using Rollout.Topology.Model;

namespace Rollout.Topology.Loading;

internal static class ServerReader
{
    private static readonly Dictionary<string, Engine> Engines = new()
    {
        ["mariadb"] = Engine.MariaDb,
        ["postgresql"] = Engine.PostgreSql,
        ["redis"] = Engine.Redis,
    };

    public static IReadOnlyList<ServerSpec> Read(YamlMap? section, LoadContext context)
    {
        var servers = new List<ServerSpec>();
        if (section is null) return servers;
        foreach (var (name, node) in section.Entries())
        {
            var map = YamlMap.Of(node, section.Child(name), context);
            if (map is null) continue;
            var engineText = map.String("engine", required: true, "one of mariadb, postgresql, redis");
            var engine = Engine.MariaDb;
            if (engineText is not null && !Engines.TryGetValue(engineText, out engine))
            {
                context.Error(map.Child("engine"), $"unknown engine '{engineText}'; allowed: {string.Join(", ", Engines.Keys)}.");
                context.BrokenServers.Add(name);
            }
            var existing = map.Bool("existing", false);
            var optional = map.Bool("optional", false);
            var description = map.String("description") ?? "";
            map.RejectUnknownKeys();
            servers.Add(new ServerSpec(name, engine, existing, optional, description));
        }
        return servers;
    }
}
