using System.Globalization;

namespace Rollout.AppHost.Publishing.Monitoring;

/// <summary>One input series of a rule unit test: its selector with labels and promtool's expanding value notation.</summary>
public sealed record TestSeries(string Series, string Values);

/// <summary>
/// How one metric of rollout.yaml's alerts is measured: the PromQL giving its value in the model's unit, the labels
/// that identify what it is about, and input series that make it take a chosen value (for the rule unit tests).
/// </summary>
/// <param name="Window">How much history the expression needs before its value is meaningful (rate windows).</param>
/// <param name="Feed">Series that make the expression equal the given value, one sample a minute for the given count.</param>
/// <param name="Subjects">The label sets the expression yields for <paramref name="Feed"/>'s series (one alert each).</param>
/// <param name="Max">The largest value the metric can take (1 for a success or ratio, 100 for a percentage).</param>
public sealed record MetricDefinition(
    string Name,
    string Expression,
    TimeSpan Window,
    Func<double, int, IReadOnlyList<TestSeries>> Feed,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Subjects,
    double Max = double.MaxValue);

/// <summary>
/// The metrics rollout.yaml's alerts may name (Topology's AlertReader knows the same names and ranges) mapped onto
/// the exporters' series (OPS-NOTES: mysqld/postgres/node exporter names) and the probe's own (Rollout.Monitor).
/// </summary>
public static class MetricCatalog
{
    /// <summary>Filesystems that are not disks: their "free space" means nothing.</summary>
    private const string RealFilesystems = "fstype!~\"tmpfs|ramfs|squashfs|overlay|nsfs|devtmpfs\"";

    public static readonly IReadOnlyDictionary<string, MetricDefinition> Metrics = new[]
    {
        new MetricDefinition("connection_success",
            "min by (server, database) (rollout_database_up)",
            TimeSpan.Zero,
            (v, n) => [new("rollout_database_up{job=\"rollout-probe\",instance=\"127.0.0.1:9470\",server=\"external-postgres\",database=\"mo_idp\"}", Steady(v, n))],
            [Labels(("server", "external-postgres"), ("database", "mo_idp"))], 1),
        new MetricDefinition("disk_free_percent",
            $"min by (instance, mountpoint) (node_filesystem_avail_bytes{{{RealFilesystems}}} / node_filesystem_size_bytes{{{RealFilesystems}}} * 100)",
            TimeSpan.Zero,
            (v, n) =>
            [
                new("node_filesystem_avail_bytes{job=\"node\",instance=\"db1:9100\",device=\"/dev/sda1\",fstype=\"ext4\",mountpoint=\"/\"}", Steady(v * 1e9, n)),
                new("node_filesystem_size_bytes{job=\"node\",instance=\"db1:9100\",device=\"/dev/sda1\",fstype=\"ext4\",mountpoint=\"/\"}", Steady(100e9, n)),
                // A tmpfs nearly full must never alert: it is excluded whatever the value.
                new("node_filesystem_avail_bytes{job=\"node\",instance=\"db1:9100\",device=\"tmpfs\",fstype=\"tmpfs\",mountpoint=\"/run\"}", Steady(0, n)),
                new("node_filesystem_size_bytes{job=\"node\",instance=\"db1:9100\",device=\"tmpfs\",fstype=\"tmpfs\",mountpoint=\"/run\"}", Steady(1e9, n)),
            ],
            [Labels(("instance", "db1:9100"), ("mountpoint", "/"))], 100),
        new MetricDefinition("response_time_ms",
            "max by (server, database) (rollout_database_select_seconds) * 1000",
            TimeSpan.Zero,
            (v, n) => [new("rollout_database_select_seconds{job=\"rollout-probe\",instance=\"127.0.0.1:9470\",server=\"external-mariadb\",database=\"mo_crm\"}", Steady(v / 1000, n))],
            [Labels(("server", "external-mariadb"), ("database", "mo_crm"))]),
        new MetricDefinition("connection_pool_percent",
            "max by (instance) (mysql_global_status_threads_connected / mysql_global_variables_max_connections * 100)"
            + " or max by (instance) (sum by (instance) (pg_stat_activity_count) / min by (instance) (pg_settings_max_connections) * 100)",
            TimeSpan.Zero,
            (v, n) =>
            [
                new("mysql_global_status_threads_connected{job=\"mysqld\",instance=\"mariadb:9104\"}", Steady(v, n)),
                new("mysql_global_variables_max_connections{job=\"mysqld\",instance=\"mariadb:9104\"}", Steady(100, n)),
                // PostgreSQL: the sessions of every database and state count together.
                new("pg_stat_activity_count{job=\"postgres\",instance=\"postgres:9187\",datname=\"mo_idp\",state=\"active\"}", Steady(v / 2, n)),
                new("pg_stat_activity_count{job=\"postgres\",instance=\"postgres:9187\",datname=\"mo_grafana\",state=\"idle\"}", Steady(v / 2, n)),
                new("pg_settings_max_connections{job=\"postgres\",instance=\"postgres:9187\"}", Steady(100, n)),
            ],
            [Labels(("instance", "mariadb:9104")), Labels(("instance", "postgres:9187"))], 100),
        new MetricDefinition("slow_queries_per_minute",
            "max by (instance) (rate(mysql_global_status_slow_queries[5m]) * 60)",
            TimeSpan.FromMinutes(5),
            (v, n) => [new("mysql_global_status_slow_queries{job=\"mysqld\",instance=\"mariadb:9104\"}", Rising(v, n))],
            [Labels(("instance", "mariadb:9104"))]),
        new MetricDefinition("backup_completed",
            "max by (database, tier) (clamp_max(changes(rollout_backup_newest_timestamp_seconds[15m]), 1))",
            TimeSpan.FromMinutes(15),
            // A completed backup moves the newest good backup's time forward; none leaves it where it was.
            (v, n) => [new("rollout_backup_newest_timestamp_seconds{job=\"rollout-probe\",instance=\"127.0.0.1:9470\",database=\"mo_crm\",tier=\"daily\"}", v >= 1 ? $"1700000000+60x{n}" : Steady(1_700_000_000, n))],
            [Labels(("database", "mo_crm"), ("tier", "daily"))], 1),
        new MetricDefinition("failed_logins_per_hour",
            "max by (server) (increase(rollout_failed_logins_total[1h]))",
            TimeSpan.FromHours(1),
            (v, n) => [new("rollout_failed_logins_total{job=\"rollout-probe\",instance=\"127.0.0.1:9470\",server=\"external-mariadb\"}", Rising(v / 60, n))],
            [Labels(("server", "external-mariadb"))]),
        new MetricDefinition("tls_connection_ratio",
            "min by (server) (rollout_tls_connection_ratio)",
            TimeSpan.Zero,
            (v, n) => [new("rollout_tls_connection_ratio{job=\"rollout-probe\",instance=\"127.0.0.1:9470\",server=\"external-mariadb\"}", Steady(v, n))],
            [Labels(("server", "external-mariadb"))], 1),
        // Not a metric of rollout.yaml: the monitoring's own health (a scrape that fails, an exporter that cannot log in).
        new MetricDefinition(MonitoringTargetUp,
            "min by (job, instance, server) ({__name__=~\"up|mysql_up|pg_up|redis_up\"})",
            TimeSpan.Zero,
            (v, n) =>
            [
                new("up{job=\"mysqld\",instance=\"127.0.0.1:9104\",server=\"external-mariadb\"}", Steady(1, n)),
                // The exporter answers the scrape but its monitoring account cannot log in.
                new("mysql_up{job=\"mysqld\",instance=\"127.0.0.1:9104\",server=\"external-mariadb\"}", Steady(v, n)),
            ],
            [Labels(("job", "mysqld"), ("instance", "127.0.0.1:9104"), ("server", "external-mariadb"))], 1),
    }.ToDictionary(m => m.Name);

    /// <summary>The monitoring's own health: 0 when a target cannot be scraped or its exporter cannot reach its server.</summary>
    public const string MonitoringTargetUp = "monitoring_target_up";

    public static MetricDefinition Of(string metric) =>
        Metrics.TryGetValue(metric, out var definition)
            ? definition
            : throw new PublishException($"alert metric '{metric}' has no Prometheus expression (known: {string.Join(", ", Metrics.Keys)}).");

    private static string Steady(double value, int count) => $"{Number(value)}+0x{count}";

    /// <summary>A counter growing by <paramref name="perMinute"/> every minute.</summary>
    private static string Rising(double perMinute, int count) => $"0+{Number(perMinute)}x{count}";

    public static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static IReadOnlyDictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.ToDictionary(l => l.Key, l => l.Value);
}
