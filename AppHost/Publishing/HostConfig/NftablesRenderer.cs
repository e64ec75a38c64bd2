namespace Rollout.AppHost.Publishing.HostConfig;

/// <summary>
/// Renders a <see cref="FirewallPlan"/> as an nftables script for <c>nft -f</c>. Everything lives in
/// its own table, replaced atomically on each load, so other tables on the host stay untouched.
/// </summary>
public static class NftablesRenderer
{
    public const string TableName = "rollout_firewall";

    public static string Render(FirewallPlan plan)
    {
        var text = new TextBuilder()
            .Line("#!/usr/sbin/nft -f")
            .Lines(plan.Summary().Select(l => "# " + l))
            .Line("# Check: nft -c -f firewall.nft    Apply: nft -f firewall.nft    Persist: include it from /etc/nftables.conf")
            .Line()
            .Line("# Declare, then delete: re-applying replaces the table in one transaction.")
            .Line($"table inet {TableName}")
            .Line($"delete table inet {TableName}")
            .Line()
            .Line($"table inet {TableName} {{");
        foreach (var opening in plan.Openings)
        {
            text.Line($"\tset {SetName(opening)} {{")
                .Line("\t\ttype ipv4_addr")
                .Line("\t\tflags interval")
                .Line("\t\tauto-merge")
                .Line($"\t\telements = {{ {string.Join(", ", opening.Sources.Select(s => s.Text))} }}")
                .Line("\t}")
                .Line();
        }
        text.Line("\tchain input {")
            .Line("\t\ttype filter hook input priority filter; policy drop;")
            .Line("\t\tct state established,related accept")
            .Line("\t\tct state invalid drop")
            .Line("\t\tiifname \"lo\" accept")
            .Line("\t\ticmp type { destination-unreachable, time-exceeded, parameter-problem, echo-request } accept")
            .Line("\t\ticmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem, echo-request, nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } accept");
        foreach (var opening in plan.Openings)
            text.Line($"\t\tip saddr @{SetName(opening)} tcp dport {opening.Port} accept comment \"{Comment(opening.Description)}\"");
        text.Line("\t\tcounter comment \"dropped by policy\"")
            .Line("\t}")
            .Line("}");
        return text.ToString();
    }

    private static string SetName(FirewallOpening opening) => "allow_" + opening.Name.Replace('-', '_');

    // nft comments are quoted strings of at most 128 bytes.
    private static string Comment(string text)
    {
        var clean = text.Replace("\"", "'", StringComparison.Ordinal);
        return clean.Length <= 120 ? clean : clean[..120];
    }
}
