using Rollout.Topology.Model;

namespace Rollout.Topology.Loading;

internal static class DatabaseReader
{
    public static IReadOnlyList<DatabaseSpec> Read(YamlMap? section, LoadContext context)
    {
        var databases = new List<DatabaseSpec>();
        if (section is null) return databases;
        foreach (var (name, node) in section.Entries())
        {
            var map = YamlMap.Of(node, section.Child(name), context);
            if (map is null) continue;
            databases.Add(new DatabaseSpec(
                Name: name,
                ServerName: map.String("server", required: true, "the name of a server under servers:") ?? "",
                User: map.String("user", required: true, "the service user, e.g. svc_" + name.Replace("mo_", "", StringComparison.Ordinal)) ?? "",
                UserHost: map.String("userHost"),
                Purpose: map.String("purpose") ?? "",
                Charset: map.String("charset"),
                Collation: map.String("collation"),
                Encoding: map.String("encoding"),
                LcCollate: map.String("lcCollate"),
                LcCtype: map.String("lcCtype"),
                Extensions: map.Strings("extensions"),
                Optional: map.Bool("optional", false),
                SecretPrefix: map.String("secretPrefix") ?? name.ToUpperInvariant() + "_DB",
                MigrateFrom: map.String("migrateFrom")));
            map.RejectUnknownKeys();
        }
        return databases;
    }
}
