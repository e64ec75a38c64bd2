using System.Globalization;
using System.Text;
using Rollout.AppHost.Publishing;
using Rollout.AppHost.Publishing.HostConfig;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Local.PostgreSql;

/// <summary>rollout.conf (included from postgresql.conf) and pg_hba.conf of a local PostgreSQL: TLS and SCRAM only, each role to its own database.</summary>
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
        // No Unix socket: every client comes over TCP, where pg_hba admits TLS (hostssl) only; its `local` lines never apply.
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

    /// <summary>
    /// pg_hba.conf of the local replica: what `publish` writes for the production host (the same generator), rendered
    /// for the environment the stack runs (its app server address from rollout.yaml, 127.0.0.1) and with the local
    /// admin role(s) in place of PG_ADMIN_USER. So each service role reaches only its own database, over TLS, from the
    /// app server address; the admin reaches every database; anything else (plaintext, another address, another
    /// database, postgres/template1 for a service role) is rejected by pg_hba before any database ACL is consulted.
    /// The server listens on no Unix socket, so the file's `local` lines never apply.
    /// </summary>
    public static string HostBasedAuthentication(Estate estate, EnvironmentSpec environment, ServerSpec server, IReadOnlyList<string> adminRoles) =>
        PostgreSqlServerConfig.RenderHba(PublishTarget.Resolve(estate, environment.Name, _ => null), server, adminRoles);
}
