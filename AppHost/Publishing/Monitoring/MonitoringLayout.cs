using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Monitoring;

/// <summary>How often Prometheus scrapes and evaluates, and how Alertmanager groups and repeats notifications.</summary>
public sealed record MonitoringTimings(
    TimeSpan ScrapeInterval,
    TimeSpan EvaluationInterval,
    TimeSpan GroupWait,
    TimeSpan GroupInterval,
    TimeSpan RepeatInterval,
    TimeSpan ResolveTimeout)
{
    /// <summary>Production: the 15 s scrape the benchmark measures, notifications batched, repeated every 4 h.</summary>
    public static MonitoringTimings Production { get; } = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15),
        TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(4), TimeSpan.FromMinutes(5));
}

/// <summary>One exporter process and the server it watches (its own least-privilege monitoring account, over TLS).</summary>
public sealed record ExporterTarget(string Job, string Server, string Address);

/// <summary>
/// Where the monitoring processes listen: the probe (Rollout.Monitor), Alertmanager, the exporters, and the webhook
/// Alertmanager notifies. The same layout type serves the test (probe only, a recording receiver) and production.
/// </summary>
public sealed record MonitoringLayout(
    string ProbeAddress,
    string AlertmanagerAddress,
    IReadOnlyList<ExporterTarget> Exporters,
    string WebhookUrl,
    string? WebhookTokenFile)
{
    public const string ProbeJob = "rollout-probe";
    public const int ProbePort = 9470;
    public const string N8nWebhookPath = "/webhook/rollout-alerts";

    /// <summary>
    /// The production side on the monitoring host (the app server): probe, Prometheus, Alertmanager and the SQL/Redis
    /// exporters run there, on loopback, each exporter reaching its server over TLS; node_exporter runs on each new
    /// database host. mysqld_exporter 0.14 and postgres_exporter 0.11 watch one server per process, so each server
    /// gets its own port. The Plesk host gets none: it is never altered, so it cannot get a monitoring account
    /// (its 5 users are taken); the probe watches it through the service users.
    /// </summary>
    public static MonitoringLayout Production(PublishTarget target, Func<string, string?> variables)
    {
        var exporters = new List<ExporterTarget>();
        var mysqldPort = 9104;
        foreach (var (job, server) in ExporterJobs(target.Servers))
        {
            if (job == NodeJob)
            {
                if (HostOf(target, server, variables) is { } host) exporters.Add(new ExporterTarget(NodeJob, server.Name, $"{host}:9100"));
                continue;
            }
            var port = job switch { MysqldJob => mysqldPort++, PostgresJob => 9187, _ => 9121 };
            exporters.Add(new ExporterTarget(job, server.Name, $"127.0.0.1:{port}"));
        }
        return new MonitoringLayout($"127.0.0.1:{ProbePort}", "127.0.0.1:9093", exporters,
            "http://127.0.0.1:5678" + N8nWebhookPath, "/etc/prometheus/secrets/alertmanager-webhook-token");
    }

    public const string MysqldJob = "mysqld";
    public const string PostgresJob = "postgres";
    public const string RedisJob = "redis";
    public const string NodeJob = "node";

    /// <summary>
    /// Which exporters watch which servers, for production and the local stack alike: one SQL/Redis exporter per
    /// managed server (mysqld_exporter 0.14 and postgres_exporter 0.11 watch one server per process), and node_exporter
    /// for each database host. The existing Plesk host gets none (see <see cref="Production"/>).
    /// </summary>
    public static IEnumerable<(string Job, ServerSpec Server)> ExporterJobs(IEnumerable<ServerSpec> servers)
    {
        foreach (var server in servers.Where(s => !s.Existing))
        {
            switch (server.Engine)
            {
                case Engine.MariaDb: yield return (MysqldJob, server); break;
                case Engine.PostgreSql: yield return (PostgresJob, server); break;
                case Engine.Redis: yield return (RedisJob, server); break;
            }
            if (server.Engine != Engine.Redis) yield return (NodeJob, server);
        }
    }

    /// <summary>The database host's name where the environment variable is set; null leaves the node target out.</summary>
    private static string? HostOf(PublishTarget target, ServerSpec server, Func<string, string?> variables) =>
        target.Environment.Servers.TryGetValue(server.Name, out var endpoint) && endpoint.Host.Resolve(variables) is { Length: > 0 } host ? host : null;
}
