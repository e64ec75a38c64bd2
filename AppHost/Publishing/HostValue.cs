using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing;

/// <summary>
/// A host-specific value (an IP address, a user name) written into host configuration: either the
/// value read at publish time, or — when its environment variable is unset — a placeholder that no
/// consuming tool accepts (nft, iptables-restore and PostgreSQL all reject it), so an unfinished file
/// cannot be applied by accident.
/// </summary>
public sealed record HostValue(string Text, Setting Source, bool IsPlaceholder)
{
    public const string PlaceholderPrefix = "UNSET_";

    public string? VariableName => Source.VariableName;

    /// <summary>The value as a CIDR network: a single address becomes /32.</summary>
    public string Cidr => Text.Contains('/') ? Text : Text + "/32";

    public static HostValue Resolved(string text, Setting source) => new(text, source, false);

    public static HostValue Placeholder(Setting source) =>
        new(PlaceholderPrefix + (source.VariableName ?? "VALUE"), source, true);

    public override string ToString() => Text;
}
