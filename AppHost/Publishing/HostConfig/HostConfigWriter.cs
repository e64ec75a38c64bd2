using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.HostConfig;

/// <summary>The files for each new database host of the environment, under <c>hosts/&lt;server&gt;/</c>.</summary>
public static class HostConfigWriter
{
    public const string NftablesFile = "firewall.nft";
    public const string IptablesFile = "firewall.iptables";
    public const string UfwFile = "firewall-ufw.sh";

    public static string Directory(ServerSpec server) => "hosts/" + server.Name;

    public static IReadOnlyList<GeneratedFile> Render(PublishTarget target)
    {
        var files = new List<GeneratedFile>();
        foreach (var server in target.Servers.Where(s => !s.Existing))
        {
            var directory = Directory(server);
            if (target.FirewalledServers.Contains(server))
            {
                var plan = FirewallPlan.For(target, server);
                files.Add(new GeneratedFile($"{directory}/{NftablesFile}", NftablesRenderer.Render(plan), Executable: true));
                files.Add(new GeneratedFile($"{directory}/{IptablesFile}", IptablesRenderer.Render(plan)));
                files.Add(new GeneratedFile($"{directory}/{UfwFile}", UfwRenderer.Render(plan), Executable: true));
            }
            var tls = TlsMaterial.DefaultFor(server.Engine);
            switch (server.Engine)
            {
                case Engine.MariaDb:
                    files.Add(new GeneratedFile($"{directory}/{MariaDbServerConfig.FileName}", MariaDbServerConfig.Render(target, tls)));
                    break;
                case Engine.PostgreSql:
                    files.Add(new GeneratedFile($"{directory}/{PostgreSqlServerConfig.ConfFileName}", PostgreSqlServerConfig.RenderConf(target, tls)));
                    files.Add(new GeneratedFile($"{directory}/{PostgreSqlServerConfig.HbaFileName}", PostgreSqlServerConfig.RenderHba(target, server)));
                    break;
                case Engine.Redis:
                    files.Add(new GeneratedFile($"{directory}/{RedisServerConfig.FileName}", RedisServerConfig.Render(target, tls, target.ServerPorts[server.Name])));
                    break;
            }
        }
        return files;
    }
}
