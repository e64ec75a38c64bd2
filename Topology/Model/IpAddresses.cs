using System.Net;
using System.Text.RegularExpressions;

namespace Rollout.Topology.Model;

/// <summary>
/// Strict IP parsing. IPAddress.TryParse accepts legacy forms ("203.0.113" is 203.0.0.113,
/// "10" is 0.0.0.10), which would put a wrong address into firewall rules and grants.
/// </summary>
public static partial class IpAddresses
{
    [GeneratedRegex(@"^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$")]
    private static partial Regex DottedQuad();

    public static bool TryParse(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':'))
            return IPAddress.TryParse(text, out address!) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (!DottedQuad().IsMatch(text)) return false;
        address = IPAddress.Parse(text);
        return true;
    }

    /// <summary>A single address as a /32 (or /128) network, or a CIDR network, strictly parsed; null when neither.</summary>
    public static IPNetwork? ParseAddressOrNetwork(string text)
    {
        if (TryParse(text, out var address)) return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return TryParseNetwork(text, out var network) ? network : null;
    }

    /// <summary>An address or a CIDR network (198.51.100.0/24) with a strict address part.</summary>
    public static bool TryParseNetwork(string text, out IPNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/');
        if (slash < 0) return false;
        return TryParse(text[..slash], out _) && IPNetwork.TryParse(text, out network);
    }
}
