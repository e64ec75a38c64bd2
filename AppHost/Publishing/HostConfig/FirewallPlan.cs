using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.HostConfig;

/// <summary>One inbound TCP port opened to a list of source addresses.</summary>
public sealed record FirewallOpening(string Name, int Port, IReadOnlyList<HostValue> Sources, string Description);

/// <summary>
/// The inbound policy of one database host: its database port to the app server, SSH to the admin
/// IPs, loopback/established/ICMP accepted, everything else dropped. The three renderers (nftables,
/// iptables-restore, ufw) all render this one plan.
/// </summary>
public sealed record FirewallPlan(string Environment, ServerSpec Server, IReadOnlyList<FirewallOpening> Openings)
{
    public IEnumerable<HostValue> Placeholders => Openings.SelectMany(o => o.Sources).Where(s => s.IsPlaceholder).DistinctBy(s => s.Text);

    public static FirewallPlan For(PublishTarget target, ServerSpec server)
    {
        var openings = new List<FirewallOpening>
        {
            new($"{server.Name}", target.ServerPorts[server.Name], [target.AppServerIp],
                $"{server.Name} ({EngineName(server.Engine)}) from the app server ({Origin(target.AppServerIp)})"),
        };
        if (target.AdminIps.Count > 0)
            openings.Add(new FirewallOpening("ssh", target.Estate.Firewall.SshPort, target.AdminIps,
                $"SSH from the admin IPs ({string.Join(", ", target.AdminIps.Select(Origin))})"));
        return new FirewallPlan(target.Name, server, openings);
    }

    public static string EngineName(Engine engine) => engine switch
    {
        Engine.MariaDb => "MariaDB",
        Engine.PostgreSql => "PostgreSQL",
        _ => "Redis",
    };

    private static string Origin(HostValue value) => value.VariableName ?? value.Source.Path;

    /// <summary>Comment lines shared by all flavours (without the comment marker).</summary>
    public IEnumerable<string> Summary()
    {
        yield return GeneratedFile.GeneratedBy;
        yield return $"Host: {Server.Name} ({EngineName(Server.Engine)}), environment {Environment}.";
        foreach (var opening in Openings)
            yield return $"Allows {opening.Port}/tcp from {string.Join(", ", opening.Sources.Select(s => s.Text))}: {opening.Description}.";
        yield return "Drops every other inbound connection (loopback, established/related and ICMP errors stay allowed).";
        if (Placeholders.Any())
            yield return $"PLACEHOLDERS: {string.Join(", ", Placeholders.Select(p => p.Text))} were unset at publish time; this file is rejected by its tool until you set them and publish again.";
    }
}
