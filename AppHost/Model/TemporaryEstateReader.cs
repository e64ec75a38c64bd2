using System.Globalization;
using Rollout.Topology.Model;
using YamlDotNet.RepresentationModel;

namespace Rollout.AppHost.Model;

/// <summary>
/// TEMPORARY until Rollout.Topology.Loading.EstateLoader lands on main (lead, ~07:25 UTC): reads the
/// parts of rollout.yaml the AppHost needs, without validation. Delete it and call
/// EstateLoader.LoadFile instead (see <see cref="RolloutApplication.LoadEstate"/>).
/// </summary>
internal static class TemporaryEstateReader
{
    public static Estate Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path)) stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var servers = Map(root, "servers").Children.Select(entry =>
        {
            var node = (YamlMappingNode)entry.Value;
            var engine = Text(node, "engine") switch { "mariadb" => Engine.MariaDb, "postgresql" => Engine.PostgreSql, _ => Engine.Redis };
            return new ServerSpec(Key(entry), engine, Flag(node, "existing"), Flag(node, "optional"), Text(node, "description") ?? "");
        }).ToList();
        var grants = Map(root, "grants");
        var databases = Map(root, "databases").Children.Select(entry =>
        {
            var node = (YamlMappingNode)entry.Value;
            var name = Key(entry);
            return new DatabaseSpec(name, Text(node, "server")!, Text(node, "user")!, Text(node, "userHost"), Text(node, "purpose") ?? "",
                Text(node, "charset"), Text(node, "collation"), Text(node, "encoding"), Text(node, "lcCollate"), Text(node, "lcCtype"),
                List(node, "extensions"), Flag(node, "optional"), Text(node, "secretPrefix") ?? name.ToUpperInvariant() + "_DB");
        }).ToList();
        var environments = Map(root, "environments").Children.Select(entry =>
        {
            var name = Key(entry);
            var node = (YamlMappingNode)entry.Value;
            var endpoints = Map(node, "servers").Children.ToDictionary(Key, s =>
            {
                var server = (YamlMappingNode)s.Value;
                Setting? Optional(string key) => Text(server, key) is { } v ? new Setting(v, $"environments.{name}.servers.{Key(s)}.{key}") : null;
                return new ServerEndpointSpec(Optional("host")!, Optional("port")!, Optional("adminUser"), Optional("adminPassword"), Optional("caFile"));
            });
            return new EnvironmentSpec(name, Text(node, "kind") == "local" ? EnvironmentKind.Local : EnvironmentKind.Remote,
                new Setting(Text(node, "appServerIp")!, $"environments.{name}.appServerIp"),
                List(node, "adminIps").Select(ip => new Setting(ip, $"environments.{name}.adminIps")).ToList(),
                List(node, "optionalDatabases"), Flag(node, "redis"), null, endpoints, null);
        }).ToList();
        return new Estate(Path.GetFullPath(path), Text(root, "project") ?? "", servers, databases,
            new GrantPolicy(List(grants, "mariadb"), List(grants, "postgresql")), new TlsPolicy(true, "1.2"),
            new FirewallPolicy(22, []), new BackupPolicy("UTC", [], ""), [], new SmokePolicy(100, 20), environments);
    }

    private static string Key(KeyValuePair<YamlNode, YamlNode> entry) => ((YamlScalarNode)entry.Key).Value!;

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    private static bool Flag(YamlMappingNode node, string key) =>
        bool.TryParse(Text(node, key), out var flag) && flag;

    private static List<string> List(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value)
            ? ((YamlSequenceNode)value).Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList()
            : [];

    internal static int Port(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
