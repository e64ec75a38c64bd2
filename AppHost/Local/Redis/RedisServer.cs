using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Local.Redis;

/// <summary>
/// A local Redis 7 (Debian's redis-server is built with TLS): the plaintext port is off (port 0),
/// only tls-port listens, with the server certificate from the local CA. Clients are not asked
/// for certificates (tls-auth-clients no); the server is bound to loopback.
/// </summary>
public sealed class RedisServer(ServerSpec server, string host, int port, LocalServerContext context)
    : LocalServer(server, host, port, context, "redis")
{
    private string ConfigFile => Path.Combine(ConfigDirectory, "redis.conf");

    public override (string Path, string Option) Program => (Context.Binaries.RedisServer, "--redis-server");

    protected override async Task PrepareDataAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DataDirectory);
        ServerAccount.Own(Account, DataDirectory);
        var (certificate, key) = Context.CertificateAuthority.IssueServerCertificate(Server.Name, Account);
        var text = new StringBuilder();
        text.AppendLine("# Written by the Rollout AppHost at every start; edits are overwritten.");
        void Set(string name, string value) => text.AppendLine(CultureInfo.InvariantCulture, $"{name} {value}");
        static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        Set("bind", Host);
        Set("port", "0");
        Set("tls-port", Port.ToString(CultureInfo.InvariantCulture));
        Set("tls-cert-file", Quote(certificate));
        Set("tls-key-file", Quote(key));
        Set("tls-ca-cert-file", Quote(Context.CertificateAuthority.CertificatePath));
        Set("tls-auth-clients", "no");
        Set("tls-protocols", "\"TLSv1.2 TLSv1.3\"");
        Set("protected-mode", "yes");
        Set("daemonize", "no");
        Set("logfile", "\"\"");
        Set("dir", Quote(DataDirectory));
        Set("dbfilename", "dump.rdb");
        Set("save", "\"60 1\"");
        Set("appendonly", "no");
        await AddMonitoringUserAsync(Set, cancellationToken);
        await WriteConfigAsync(ConfigFile, text.ToString(), Account, cancellationToken);
    }

    /// <summary>
    /// The commands redis_exporter 1.45 sends by default (INFO ALL, CONFIG GET *, SLOWLOG, LATENCY, CLIENT SETNAME, PING;
    /// CLUSTER INFO in cluster mode) and nothing else: no key, no channel, no write.
    /// </summary>
    public const string MonitoringCommands = "-@all +ping +info +config|get +client|setname +latency|latest +latency|histogram +slowlog|len +slowlog|get +cluster|info";

    /// <summary>
    /// monitoring.account as an ACL user declared in the configuration, so it survives any restart: only its password's
    /// SHA-256 is written (ACL's #hash form), the password itself stays in the secret store (&lt;SERVER&gt;_MONITOR_PASS).
    /// </summary>
    private async Task AddMonitoringUserAsync(Action<string, string> set, CancellationToken cancellationToken)
    {
        var password = await Context.EnsureSecretAsync(Topology.Secrets.MonitoringSecrets.AccountPassword(Server), cancellationToken);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(password.Reveal())));
        set("user", $"{Context.Estate.Monitoring.Account} on #{hash} resetkeys resetchannels {MonitoringCommands}");
    }

    protected override IReadOnlyList<string> Arguments => [ConfigFile];

    /// <summary>Healthy when a TLS connection verified against the local CA gets +PONG (Redis answers -LOADING while loading).</summary>
    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await PingAsync(Host, Port, Context.CertificateAuthority.CertificatePath, cancellationToken) == "+PONG";
        }
        catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>Sends PING over TLS, the server certificate checked against <paramref name="caCertificatePath"/>; returns the reply line.</summary>
    public static async Task<string> PingAsync(string host, int port, string caCertificatePath, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, timeout.Token);
        using var ca = X509CertificateLoader.LoadCertificateFromFile(caCertificatePath);
        await using var tls = new SslStream(client.GetStream(), false, (_, certificate, _, _) => VerifyAgainst(ca, certificate));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, timeout.Token);
        await tls.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
        var buffer = new byte[256];
        var read = await tls.ReadAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read).TrimEnd('\r', '\n');
    }

    private static bool VerifyAgainst(X509Certificate2 ca, X509Certificate? presented)
    {
        if (presented is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = new X509Certificate2(presented);
        return chain.Build(certificate);
    }
}
