namespace Rollout.AppHost.Publishing.HostConfig;

/// <summary>Renders a <see cref="FirewallPlan"/> as an <c>iptables-restore</c> file (IPv4 filter table).</summary>
public static class IptablesRenderer
{
    public static string Render(FirewallPlan plan)
    {
        var text = new TextBuilder()
            .Lines(plan.Summary().Select(l => "# " + l))
            .Line("# Check: iptables-restore --test < firewall.iptables    Apply: iptables-restore < firewall.iptables")
            .Line("# Persist (Debian): apt install iptables-persistent; cp firewall.iptables /etc/iptables/rules.v4")
            .Line("*filter")
            .Line(":INPUT DROP [0:0]")
            .Line(":FORWARD DROP [0:0]")
            .Line(":OUTPUT ACCEPT [0:0]")
            .Line("-A INPUT -i lo -j ACCEPT")
            .Line("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
            .Line("-A INPUT -m conntrack --ctstate INVALID -j DROP")
            .Line("-A INPUT -p icmp -m icmp --icmp-type 3 -j ACCEPT")
            .Line("-A INPUT -p icmp -m icmp --icmp-type 11 -j ACCEPT")
            .Line("-A INPUT -p icmp -m icmp --icmp-type 12 -j ACCEPT")
            .Line("-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT");
        foreach (var opening in plan.Openings)
            foreach (var source in opening.Sources)
                text.Line($"-A INPUT -s {source.Cidr} -p tcp -m tcp --dport {opening.Port} -m comment --comment \"rollout: {opening.Name}\" -j ACCEPT");
        return text.Line("COMMIT").ToString();
    }
}
