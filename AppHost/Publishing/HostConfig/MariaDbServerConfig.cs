namespace Rollout.AppHost.Publishing.HostConfig;

/// <summary>MariaDB server settings for TLS-only service access: an option file on a host, flags in a container.</summary>
public static class MariaDbServerConfig
{
    public const string FileName = "60-rollout-tls.cnf";

    /// <summary>The settings, with the reason for each (the option file carries the reasons as comments).</summary>
    public static IReadOnlyList<(string Name, string Value, string Why)> Settings(PublishTarget target, TlsMaterial tls) =>
    [
        ("bind_address", "0.0.0.0", "Listen on the network; the host firewall admits only the app server."),
        ("skip_name_resolve", "ON", "Service users are user@<app server IP>: match on the address, never on a reverse-DNS name."),
        ("ssl_ca", tls.CaPath, "TLS material (10.11 needs ssl_cert/ssl_key set explicitly)."),
        ("ssl_cert", tls.CertificatePath, ""),
        ("ssl_key", tls.KeyPath, ""),
        ("tls_version", string.Join(",", TlsMaterial.Protocols(target.Estate.Tls)), "tls.minVersion " + target.Estate.Tls.MinVersion + " of rollout.yaml."),
        ("require_secure_transport", target.Estate.Tls.Required ? "ON" : "OFF", "Refuse every non-TLS TCP connection (error 4167 at start-up if TLS is not configured)."),
    ];

    public static string Render(PublishTarget target, TlsMaterial tls)
    {
        var text = new TextBuilder()
            .Line("# " + GeneratedFile.GeneratedBy)
            .Line("# Install as /etc/mysql/mariadb.conf.d/" + FileName + ", put the TLS files in place (README.md), restart MariaDB.")
            .Line("[mariadbd]");
        foreach (var (name, value, why) in Settings(target, tls))
        {
            if (why.Length > 0) text.Line("# " + why);
            text.Line($"{name} = {value}");
        }
        return text.ToString();
    }

    /// <summary>The same settings as server flags (<c>--ssl-ca=…</c>), for a container's args.</summary>
    public static IEnumerable<string> Flags(PublishTarget target, TlsMaterial tls) =>
        Settings(target, tls).Select(s => $"--{s.Name.Replace('_', '-')}={s.Value}");
}
