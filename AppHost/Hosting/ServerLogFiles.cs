using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Rollout.ServiceDefaults.Redaction;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// Each server's console output (stdout and stderr, as Aspire's console log shows it) also appended to
/// &lt;state&gt;/logs/&lt;server&gt;.log, where scripts, the README and an operator without the dashboard look; the last
/// lines are kept for a start failure's message (<see cref="StartFailureStopper"/>). Secrets are masked on the way.
/// </summary>
public sealed class ServerLogFiles(ResourceLoggerService logs, ResourceNotificationService notifications, EstateRuntime runtime, DistributedApplicationModel model)
    : BackgroundService
{
    private const int TailLines = 12;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _tails = new();

    /// <summary>The server's last lines seen so far (oldest first).</summary>
    public IReadOnlyList<string> Tail(string server) => _tails.TryGetValue(server, out var tail) ? tail.ToArray() : [];

    public string PathOf(string server) => runtime.Layout.Log(server);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var servers = model.Resources.OfType<EstateServerResource>().Select(r => r.Name).ToHashSet();
        // Aspire keeps console logs under the orchestrator's instance id (plesk-abc123), which the notifications carry.
        var followers = new Dictionary<string, Task>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
                if (servers.Contains(update.Resource.Name) && !followers.ContainsKey(update.ResourceId))
                    followers[update.ResourceId] = FollowAsync(update.Resource.Name, update.ResourceId, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(followers.Values);
    }

    private async Task FollowAsync(string server, string resourceId, CancellationToken cancellationToken)
    {
        var tail = _tails.GetOrAdd(server, _ => new ConcurrentQueue<string>());
        try
        {
            // Watching from the host's start: Aspire streams a resource's output only while someone watches it.
            await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(cancellationToken))
            {
                var lines = batch.Select(line => SecretRedactor.Shared.Redact(line.Content)).ToList();
                foreach (var line in lines)
                {
                    tail.Enqueue(line);
                    while (tail.Count > TailLines) tail.TryDequeue(out _);
                }
                Directory.CreateDirectory(runtime.Layout.Logs);
                await File.AppendAllLinesAsync(PathOf(server), lines, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
