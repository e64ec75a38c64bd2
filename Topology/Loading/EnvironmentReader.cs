using Rollout.Topology.Model;

namespace Rollout.Topology.Loading;

internal static class EnvironmentReader
{
    public static IReadOnlyList<EnvironmentSpec> Read(YamlMap? section, LoadContext context)
    {
        var environments = new List<EnvironmentSpec>();
        if (section is null) return environments;
        foreach (var (name, node) in section.Entries())
        {
            var map = YamlMap.Of(node, section.Child(name), context);
            if (map is null) continue;
            var kindText = map.String("kind", required: true, "local or remote");
            var kind = EnvironmentKind.Remote;
            if (kindText == "local") kind = EnvironmentKind.Local;
            else if (kindText is not null and not "remote")
                context.Error(map.Child("kind"), $"unknown kind '{kindText}'; allowed: local, remote.");

            var appServerIp = map.Setting("appServerIp", required: true) ?? new Setting("", map.Child("appServerIp"));
            var adminIps = map.Scalars("adminIps", required: true).Select(s => map.SettingAt(s.Value, s.Path, s.Node)).ToList();
            var optional = map.Strings("optionalDatabases");
            var redis = map.Bool("redis", false);
            var github = ReadGithub(map.Map("github"));
            var servers = ReadServers(map.Map("servers", required: true), context);
            var deploy = ReadDeploy(map.Map("deploy"));
            map.RejectUnknownKeys();
            environments.Add(new EnvironmentSpec(name, kind, appServerIp, adminIps, optional, redis, github, servers, deploy));
        }
        return environments;
    }

    private static GithubEnvironmentSpec? ReadGithub(YamlMap? map)
    {
        if (map is null) return null;
        var spec = new GithubEnvironmentSpec(map.String("environment", required: true) ?? "", map.Strings("requiredReviewers"));
        map.RejectUnknownKeys();
        return spec;
    }

    private static Dictionary<string, ServerEndpointSpec> ReadServers(YamlMap? section, LoadContext context)
    {
        var servers = new Dictionary<string, ServerEndpointSpec>();
        if (section is null) return servers;
        foreach (var (name, node) in section.Entries())
        {
            var map = YamlMap.Of(node, section.Child(name), context);
            if (map is null) continue;
            servers[name] = new ServerEndpointSpec(
                map.Setting("host", required: true) ?? new Setting("", map.Child("host")),
                map.Setting("port", required: true) ?? new Setting("", map.Child("port")),
                map.Setting("adminUser"),
                map.Setting("adminPassword"),
                map.Setting("caFile"));
            map.RejectUnknownKeys();
        }
        return servers;
    }

    private static DeploySpec? ReadDeploy(YamlMap? map)
    {
        if (map is null) return null;
        var spec = new DeploySpec(
            map.Setting("sshHost", required: true) ?? new Setting("", map.Child("sshHost")),
            map.Setting("sshPort", required: true) ?? new Setting("", map.Child("sshPort")),
            map.Setting("sshUser", required: true) ?? new Setting("", map.Child("sshUser")),
            map.Setting("sshTargetDir", required: true) ?? new Setting("", map.Child("sshTargetDir")));
        map.RejectUnknownKeys();
        return spec;
    }
}
