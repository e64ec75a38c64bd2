using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Rollout.TestSupport.Estate;

/// <summary>Every resource's console output, collected from the start (a failing test shows what the server or project said).</summary>
public sealed class ConsoleLogs : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new();
    private readonly ConcurrentDictionary<string, Task> _watchers = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _discovery = Task.CompletedTask;

    public static ConsoleLogs Watch(DistributedApplication app)
    {
        var logs = new ConsoleLogs();
        var service = app.Services.GetRequiredService<ResourceLoggerService>();
        // Logs are kept under the orchestrator's instance id (plesk-abc123), which the resource's notifications carry.
        logs._discovery = Task.Run(async () =>
        {
            try
            {
                await foreach (var update in app.ResourceNotifications.WatchAsync(logs._stop.Token))
                {
                    var lines = logs._lines.GetOrAdd(update.Resource.Name, _ => new ConcurrentQueue<string>());
                    _ = logs._watchers.GetOrAdd(update.ResourceId, id => Task.Run(async () =>
                    {
                        try
                        {
                            await foreach (var batch in service.WatchAsync(id).WithCancellation(logs._stop.Token))
                                foreach (var line in batch) lines.Enqueue(line.Content);
                        }
                        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
                        {
                        }
                    }));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
            }
        });
        return logs;
    }

    public string Text(string resource) =>
        _lines.TryGetValue(resource, out var lines) ? string.Join(Environment.NewLine, lines) : "";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _discovery;
        await Task.WhenAll(_watchers.Values);
        _stop.Dispose();
    }
}
