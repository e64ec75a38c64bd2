using System.Globalization;
using System.Text;

namespace Rollout.AppHost.Local.MariaDb;

/// <summary>The option file of a local MariaDB server: loopback only, TLS required, fast and small.</summary>
public static class MariaDbConfiguration
{
    /// <summary>Storage settings shared by mariadb-install-db and the server (they must agree).</summary>
    public static readonly IReadOnlyList<string> StorageOptions =
    [
        "innodb_buffer_pool_size=32M",
        "innodb_log_file_size=16M",
        "innodb_flush_log_at_trx_commit=2",
        "innodb_doublewrite=0",
        // The temporary tablespace is recreated (written full) at every start: keep it small.
        "innodb_temp_data_file_path=ibtmp1:1M:autoextend",
    ];

    public sealed record Paths(string DataDirectory, string Socket, string PidFile, string Certificate, string Key, string CaCertificate);

    public static string Render(string host, int port, Paths paths)
    {
        var text = new StringBuilder();
        text.AppendLine("# Written by the Rollout AppHost at every start; edits are overwritten.");
        text.AppendLine("[mariadbd]");
        void Set(string name, string value) => text.AppendLine(CultureInfo.InvariantCulture, $"{name}={value}");
        Set("datadir", paths.DataDirectory);
        Set("bind-address", host);
        Set("port", port.ToString(CultureInfo.InvariantCulture));
        Set("socket", paths.Socket);
        Set("pid-file", paths.PidFile);
        // Host-restricted users (svc_main@localhost, @127.0.0.1) must match by address, not by DNS.
        Set("skip_name_resolve", "ON");
        Set("ssl_cert", paths.Certificate);
        Set("ssl_key", paths.Key);
        Set("ssl_ca", paths.CaCertificate);
        Set("require_secure_transport", "ON");
        Set("tls_version", "TLSv1.2,TLSv1.3");
        Set("character_set_server", "utf8mb4");
        Set("collation_server", "utf8mb4_unicode_ci");
        Set("performance_schema", "OFF");
        Set("max_connections", "300");
        Set("log_warnings", "2");
        // Start and stop fast: nothing to warm up in a local replica.
        Set("innodb_buffer_pool_load_at_startup", "OFF");
        Set("innodb_buffer_pool_dump_at_shutdown", "OFF");
        foreach (var option in StorageOptions) text.AppendLine(option);
        return text.ToString();
    }
}
