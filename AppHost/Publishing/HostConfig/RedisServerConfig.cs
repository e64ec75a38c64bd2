namespace Rollout.AppHost.Publishing.HostConfig;

/// <summary>Redis TLS-only settings (as the local replica runs it): an include for redis.conf on a host, flags in a container.</summary>
public static class RedisServerConfig
{
    public const string FileName = "60-rollout-tls.conf";

    public static IReadOnlyList<(string Name, string Value)> Settings(PublishTarget target, TlsMaterial tls, int port) =>
    [
        ("port", "0"),
        ("tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("tls-cert-file", tls.CertificatePath),
        ("tls-key-file", tls.KeyPath),
        ("tls-ca-cert-file", tls.CaPath),
        ("tls-auth-clients", "no"),
        ("tls-protocols", string.Join(" ", TlsMaterial.Protocols(target.Estate.Tls))),
    ];

    public static string Render(PublishTarget target, TlsMaterial tls, int port) => new TextBuilder()
        .Line("# " + GeneratedFile.GeneratedBy)
        .Line("# Include from /etc/redis/redis.conf (include /etc/redis/" + FileName + "), then restart redis-server.")
        .Line("# Only the TLS port listens; plain-text clients get no port at all.")
        .Lines(Settings(target, tls, port).Select(s => s.Value.Contains(' ') ? $"{s.Name} \"{s.Value}\"" : $"{s.Name} {s.Value}"))
        .ToString();

    public static IEnumerable<string> Flags(PublishTarget target, TlsMaterial tls, int port) =>
        Settings(target, tls, port).SelectMany(s => new[] { "--" + s.Name, s.Value });
}
