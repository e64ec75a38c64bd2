using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// The local servers log to their console (Aspire shows it); the probe counts PostgreSQL's failed logins from a log
/// file, as it does from /var/log/postgresql on a host. This service appends each watched server's console lines to
/// &lt;state dir&gt;/monitoring/logs/&lt;server&gt;.log, from the start and across restarts (each run of a resource
/// has its own instance id, watched as it appears). The file holds what the console holds: no secret (the servers
/// never log passwords; failed logins name only the user).
/// </summary>
public sealed class ServerLogFiles(ResourceNotificationService notifications, ResourceLoggerService logs, IReadOnlyDictionary<string, string> files)
    : BackgroundService
{
    /// <summary>The log file of <paramref name="server"/> under the monitoring directory.</summary>
    public static string PathOf(MonitoringFiles monitoring, string server) => Path.Combine(monitoring.Directory, "logs", server + ".log");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watched = new HashSet<string>(StringComparer.Ordinal);
        var copies = new List<Task>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (!files.TryGetValue(update.Resource.Name, out var file) || !watched.Add(update.ResourceId)) continue;
                copies.Add(CopyAsync(update.ResourceId, file, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(copies);
    }

    private async Task CopyAsync(string resourceId, string file, CancellationToken stoppingToken)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(stoppingToken))
            {
                await using var writer = new StreamWriter(file, append: true);
                foreach (var line in batch) await writer.WriteLineAsync(line.Content.AsMemory(), stoppingToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException)
        {
            // Stopping, or the state directory went away (a test's): the copy ends with the estate.
        }
    }
}
