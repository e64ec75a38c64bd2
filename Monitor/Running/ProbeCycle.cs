using System.Diagnostics;
using Rollout.Monitor.Backups;
using Rollout.Monitor.Metrics;
using Rollout.Monitor.Probing;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Monitor.Running;

/// <summary>How the probe runs: timeouts, how often certificates are read, where the backup status file is.</summary>
public sealed record ProbeSettings(TimeSpan Timeout, TimeSpan CertificateInterval, string BackupStatusPath, int Parallelism = 4)
{
    /// <summary>Server name → its log file, where failed logins are counted from the log (PostgreSQL: --server-log).</summary>
    public IReadOnlyDictionary<string, string> ServerLogs { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// One round of probing: every database of the bound environment, every server's counters and certificate, the
/// backup status file; the results go into <see cref="ProbeMetrics"/>, which Prometheus scrapes between rounds.
/// </summary>
public sealed class ProbeCycle(EnvironmentBinding binding, ISecretSource secrets, ProbeMetrics metrics, ProbeSettings settings, TimeProvider time)
{
    private readonly DatabaseProbe _probe = new(binding, secrets, settings.Timeout);
    private readonly ServerCounters _counters = new(binding, secrets, settings.Timeout);
    private DateTimeOffset _certificatesReadAt = DateTimeOffset.MinValue;
    private readonly Dictionary<string, ServerLogFailedLogins> _logs = settings.ServerLogs.ToDictionary(l => l.Key, l => new ServerLogFailedLogins(l.Value));

    /// <summary>Runs one round; returns the database probes' results (the caller decides what a failure means).</summary>
    public async Task<IReadOnlyList<ProbeResult>> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var results = new List<ProbeResult>();
        await Parallel.ForEachAsync(binding.Databases, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism, CancellationToken = cancellationToken },
            async (database, ct) =>
            {
                var result = await _probe.ProbeAsync(database, ct);
                Record(result);
                lock (results) results.Add(result);
            });
        foreach (var endpoint in binding.Servers.Values.Where(s => s.Server.IsDatabaseServer))
            RecordCounters(endpoint.Name, await _counters.ReadAsync(endpoint, cancellationToken));
        foreach (var (server, log) in _logs)
            if (await log.ReadAsync(cancellationToken) is { } failed) metrics.FailedLogins.WithLabels(server).Set(failed);
        if (time.GetUtcNow() - _certificatesReadAt >= settings.CertificateInterval)
        {
            foreach (var endpoint in binding.Servers.Values) await ReadCertificateAsync(endpoint, cancellationToken);
            _certificatesReadAt = time.GetUtcNow();
        }
        await ReadBackupsAsync(cancellationToken);
        metrics.ProbeDuration.Set(clock.Elapsed.TotalSeconds);
        return results.OrderBy(r => r.Database.Name, StringComparer.Ordinal).ToList();
    }

    private void Record(ProbeResult result)
    {
        var server = result.Database.ServerName;
        var database = result.Database.Name;
        metrics.DatabaseUp.WithLabels(server, database).Set(result.Success ? 1 : 0);
        metrics.SelectSeconds.WithLabels(server, database).Set(result.Elapsed.TotalSeconds);
        if (result.FailureReason is { } reason) metrics.ProbeFailures.WithLabels(server, database, reason).Inc();
    }

    private void RecordCounters(string server, ServerCounterValues? values)
    {
        if (values is null) return;
        if (values.FailedLogins is { } failed) metrics.FailedLogins.WithLabels(server).Set(failed);
        if (values.AbortedConnects is { } aborted) metrics.AbortedConnects.WithLabels(server).Set(aborted);
        if (values.TlsRatio is { } ratio) metrics.TlsConnectionRatio.WithLabels(server).Set(ratio);
    }

    private async Task ReadCertificateAsync(ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            using var certificate = await CertificateReader.ReadAsync(endpoint, settings.Timeout, cancellationToken);
            metrics.CertificateExpiry.WithLabels(endpoint.Name).Set(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds());
            metrics.CertificateProbeUp.WithLabels(endpoint.Name).Set(1);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or System.Net.Sockets.SocketException
                                      or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            metrics.CertificateProbeUp.WithLabels(endpoint.Name).Set(0);
        }
    }

    private async Task ReadBackupsAsync(CancellationToken cancellationToken)
    {
        BackupStatus? status;
        try
        {
            status = await BackupStatusFile.ReadAsync(settings.BackupStatusPath, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            metrics.BackupStatusUp.Set(0);
            return;
        }
        metrics.BackupStatusUp.Set(status is null ? 0 : 1);
        if (status is null) return;
        var now = time.GetUtcNow();
        foreach (var ((database, tier), completedAt) in status.NewestGood())
        {
            if (!binding.Databases.Any(d => d.Name == database)) continue;
            metrics.BackupNewest.WithLabels(database, tier).Set(completedAt.ToUnixTimeSeconds());
            metrics.BackupAge.WithLabels(database, tier).Set(Math.Max(0, (now - completedAt).TotalSeconds));
        }
    }
}
