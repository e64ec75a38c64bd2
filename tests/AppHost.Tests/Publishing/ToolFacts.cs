namespace Rollout.AppHost.Tests.Publishing;

/// <summary>A fact that needs root (network namespaces, firewall checks in them); skipped with the reason otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
            Skip = "needs root: network namespaces and nftables rules cannot be created by an unprivileged user.";
        else if (!ProcessRunner.Exists("ip") || !ProcessRunner.Exists("nft"))
            Skip = "needs iproute2 (ip) and nftables (nft): apt-get install iproute2 nftables.";
    }
}

/// <summary>A fact that needs a command-line tool on PATH; skipped with the install hint otherwise.</summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string tool, string install)
    {
        if (!ProcessRunner.Exists(tool)) Skip = $"{tool} is not installed ({install}).";
    }
}
