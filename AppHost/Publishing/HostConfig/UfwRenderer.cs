namespace Rollout.AppHost.Publishing.HostConfig;

/// <summary>Renders a <see cref="FirewallPlan"/> as a shell script of <c>ufw</c> commands.</summary>
public static class UfwRenderer
{
    public static string Render(FirewallPlan plan)
    {
        var text = new TextBuilder()
            .Line("#!/bin/sh")
            .Lines(plan.Summary().Select(l => "# " + l))
            .Line("# Run as root on the database host: sh firewall-ufw.sh")
            .Line("set -eu");
        var placeholders = plan.Placeholders.Select(p => p.Text).ToList();
        if (placeholders.Count > 0)
        {
            text.Line($"echo 'firewall-ufw.sh: {string.Join(", ", placeholders)} unset at publish time: set the variables and run rollout publish again.' >&2")
                .Line("exit 1");
        }
        text.Line("ufw --force reset")
            .Line("ufw default deny incoming")
            .Line("ufw default allow outgoing")
            .Line("ufw default deny routed");
        // SSH first, so enabling the firewall never cuts the admin session that runs this script.
        foreach (var opening in plan.Openings.OrderBy(o => o.Name == "ssh" ? 0 : 1))
            foreach (var source in opening.Sources)
                text.Line($"ufw allow proto tcp from {source.Text} to any port {opening.Port} comment 'rollout: {opening.Name}'");
        return text.Line("ufw --force enable")
            .Line("ufw status verbose")
            .ToString();
    }
}
