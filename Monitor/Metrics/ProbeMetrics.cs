using Prometheus;

namespace Rollout.Monitor.Metrics;

/// <summary>
/// Every series the probe exports, in its own registry (no process defaults: Prometheus scrapes what the plan asks for).
/// Names are the ones the generated alert rules and dashboards read (AppHost/Publishing/Monitoring/MetricCatalog).
/// </summary>
public sealed class ProbeMetrics
{
    public ProbeMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        DatabaseUp = factory.CreateGauge("rollout_database_up",
            "1 when the database's service user logged in over TLS and SELECT 1 answered, else 0.", "server", "database");
        SelectSeconds = factory.CreateGauge("rollout_database_select_seconds",
            "Time of the last probe of the database: TLS login and SELECT 1 (until the failure when it failed).", "server", "database");
        ProbeFailures = factory.CreateCounter("rollout_database_probe_failures_total",
            "Failed probes of the database by reason (auth, refused, timeout, tls, missing_secret, error).", "server", "database", "reason");
        TlsConnectionRatio = factory.CreateGauge("rollout_tls_connection_ratio",
            "Share of the server's client connections that use TLS (MariaDB: TLS handshakes per connection attempt since start; PostgreSQL: current sessions).", "server");
        FailedLogins = factory.CreateGauge("rollout_failed_logins_total",
            "The server's own count of denied logins since it started (MariaDB Access_denied_errors); a gauge because it resets with the server.", "server");
        AbortedConnects = factory.CreateGauge("rollout_aborted_connects_total",
            "The server's count of connection attempts that failed (MariaDB Aborted_connects), resetting with the server.", "server");
        CertificateExpiry = factory.CreateGauge("rollout_server_certificate_expiry_timestamp_seconds",
            "Unix time when the certificate the server presents after STARTTLS expires.", "server");
        CertificateProbeUp = factory.CreateGauge("rollout_server_certificate_probe_up",
            "1 when the server's certificate could be read through the database protocol's STARTTLS, else 0.", "server");
        BackupNewest = factory.CreateGauge("rollout_backup_newest_timestamp_seconds",
            "Unix time the newest good backup of the database in this tier completed.", "database", "tier");
        BackupAge = factory.CreateGauge("rollout_backup_age_seconds",
            "Age of the newest good backup of the database in this tier at the last probe.", "database", "tier");
        BackupStatusUp = factory.CreateGauge("rollout_backup_status_up",
            "1 when the backup status file was read, 0 when it is missing or unreadable.");
        ProbeDuration = factory.CreateGauge("rollout_probe_cycle_seconds", "Duration of the last full probe cycle.");
    }

    public CollectorRegistry Registry { get; }
    public Gauge DatabaseUp { get; }
    public Gauge SelectSeconds { get; }
    public Counter ProbeFailures { get; }
    public Gauge TlsConnectionRatio { get; }
    public Gauge FailedLogins { get; }
    public Gauge AbortedConnects { get; }
    public Gauge CertificateExpiry { get; }
    public Gauge CertificateProbeUp { get; }
    public Gauge BackupNewest { get; }
    public Gauge BackupAge { get; }
    public Gauge BackupStatusUp { get; }
    public Gauge ProbeDuration { get; }

    /// <summary>The exposition text Prometheus would scrape (for `probe --once` and the tests).</summary>
    public async Task<string> ExportAsync(CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(stream, cancellationToken);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
