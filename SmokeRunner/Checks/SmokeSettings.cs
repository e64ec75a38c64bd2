using System.Globalization;
using System.Net;
using Rollout.ServiceDefaults.Connections;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Checks;

/// <summary>What a run measures against: the estate's smoke and TLS policy plus the command line's choices.</summary>
public sealed record SmokeSettings(
    int Samples,
    int LatencyThresholdMs,
    Version MinTlsVersion,
    int Parallelism,
    IPAddress ForeignSourceAddress)
{
    /// <summary>The address the "other host" login comes from locally: loopback, but not the app server's 127.0.0.1.</summary>
    public static readonly IPAddress DefaultForeignSource = IPAddress.Parse("127.0.0.2");

    public static SmokeSettings From(Estate estate, int parallelism) => new(
        estate.Smoke.Samples,
        estate.Smoke.LatencyThresholdMs,
        ParseTlsVersion(estate.Tls.MinVersion),
        parallelism,
        DefaultForeignSource);

    /// <summary>Every smoke connection is fresh (no pool): connect time is measured and no login is reused.</summary>
    public static ConnectionOptions Connection { get; } = new(Pooling: false, ConnectTimeoutSeconds: 5, ApplicationName: "rollout-smoke");

    public static ConnectionOptions Plaintext { get; } = Connection with { RequireTls = false };

    /// <summary>"1.2", "TLSv1.3", "TLS 1.2" → 1.2; null when the text names no TLS version.</summary>
    public static Version ParseTlsVersion(string text)
    {
        var digits = text.Trim();
        foreach (var prefix in new[] { "TLSv", "TLS ", "TLS" })
            if (digits.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) { digits = digits[prefix.Length..]; break; }
        if (!digits.Contains('.', StringComparison.Ordinal)) digits += ".0";
        return Version.TryParse(digits, out var version) && version.Major >= 1
            ? version
            : throw new FormatException($"'{text}' is not a TLS version (expected e.g. 1.2 or TLSv1.3).");
    }

    public static string Format(Version version) => string.Create(CultureInfo.InvariantCulture, $"TLS {version.Major}.{version.Minor}");
}
