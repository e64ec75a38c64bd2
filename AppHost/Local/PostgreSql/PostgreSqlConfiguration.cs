using System.Globalization;
using System.Text;

namespace Rollout.AppHost.Local.PostgreSql;

/// <summary>rollout.conf (included from postgresql.conf) and pg_hba.conf of a local PostgreSQL: TLS and SCRAM only.</summary>
public static class PostgreSqlConfiguration
{
    public const string IncludeLine = "include = 'rollout.conf'";

    public static string Render(string host, int port, string certificate, string key, string caCertificate)
    {
        var text = new StringBuilder();
        text.AppendLine("# Written by the Rollout AppHost at every start; edits are overwritten.");
        void Set(string name, string value) => text.AppendLine(CultureInfo.InvariantCulture, $"{name} = {value}");
        static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
        Set("listen_addresses", Quote(host));
        Set("port", port.ToString(CultureInfo.InvariantCulture));
        // No Unix socket: every client comes over TCP and TLS (pg_hba has hostssl lines only).
        Set("unix_socket_directories", "''");
        Set("ssl", "on");
        Set("ssl_cert_file", Quote(certificate));
        Set("ssl_key_file", Quote(key));
        Set("ssl_ca_file", Quote(caCertificate));
        Set("ssl_min_protocol_version", "'TLSv1.2'");
        Set("password_encryption", "'scram-sha-256'");
        // A local replica: durability traded for speed (never for staging/production).
        Set("fsync", "off");
        Set("synchronous_commit", "off");
        Set("full_page_writes", "off");
        Set("shared_buffers", "32MB");
        Set("max_connections", "200");
        Set("logging_collector", "off");
        Set("log_destination", "'stderr'");
        Set("log_line_prefix", "'%m [%p] %q%u@%d '");
        return text.ToString();
    }

    public static string HostBasedAuthentication() =>
        """
        # Written by the Rollout AppHost at every start; edits are overwritten.
        # TLS and SCRAM only: every plaintext connection is rejected.
        # TYPE     DATABASE  USER  ADDRESS        METHOD
        hostssl    all       all   127.0.0.1/32   scram-sha-256
        hostssl    all       all   ::1/128        scram-sha-256
        hostnossl  all       all   0.0.0.0/0      reject
        hostnossl  all       all   ::/0           reject

        """;
}
