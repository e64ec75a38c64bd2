using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.HostConfig;

/// <summary>Where a database host keeps its TLS material, and the file names the configs refer to.</summary>
public sealed record TlsMaterial(string Directory, string CaFile, string CertificateFile, string KeyFile)
{
    public string CaPath => Directory + "/" + CaFile;
    public string CertificatePath => Directory + "/" + CertificateFile;
    public string KeyPath => Directory + "/" + KeyFile;

    public static TlsMaterial DefaultFor(Engine engine) => engine switch
    {
        Engine.MariaDb => new TlsMaterial("/etc/mysql/tls", "ca-cert.pem", "server-cert.pem", "server-key.pem"),
        Engine.PostgreSql => new TlsMaterial("/etc/postgresql/tls", "root.crt", "server.crt", "server.key"),
        _ => new TlsMaterial("/etc/redis/tls", "ca.crt", "redis.crt", "redis.key"),
    };

    /// <summary>The protocol versions allowed from rollout.yaml's tls.minVersion ("1.2" → TLSv1.2 and TLSv1.3).</summary>
    public static IReadOnlyList<string> Protocols(TlsPolicy policy) => policy.MinVersion switch
    {
        "1.3" => ["TLSv1.3"],
        _ => ["TLSv1.2", "TLSv1.3"],
    };

    public static string MinimumProtocol(TlsPolicy policy) => Protocols(policy)[0];
}
