using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rollout.Monitor.Tests.Alerting;

/// <summary>One alert of Alertmanager's webhook payload (version 4).</summary>
public sealed record WebhookAlert(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("labels")] Dictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] Dictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset EndsAt,
    [property: JsonPropertyName("fingerprint")] string Fingerprint);

/// <summary>Alertmanager's webhook payload, as documented (version, groupKey, status, receiver, alerts, …).</summary>
public sealed record WebhookPayload(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("groupKey")] string GroupKey,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("receiver")] string Receiver,
    [property: JsonPropertyName("commonLabels")] Dictionary<string, string> CommonLabels,
    [property: JsonPropertyName("alerts")] List<WebhookAlert> Alerts);

/// <summary>
/// The local notification receiver: a real HTTP server recording every webhook call Alertmanager makes, so a test
/// can wait for the alert (or the resolution) it expects. Locally it stands where n8n stands in production.
/// </summary>
public sealed class AlertReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<WebhookPayload> _received = [];
    private readonly Task _loop;

    public AlertReceiver(int port)
    {
        Url = $"http://127.0.0.1:{port}/alerts";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/alerts/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public IReadOnlyList<WebhookPayload> Received
    {
        get
        {
            lock (_received) return [.. _received];
        }
    }

    public void Clear()
    {
        lock (_received) _received.Clear();
    }

    /// <summary>Every alert received so far, flattened out of the payloads.</summary>
    public IReadOnlyList<WebhookAlert> Alerts => Received.SelectMany(p => p.Alerts).ToList();

    /// <summary>Waits until the received alerts satisfy the condition; fails with what did arrive.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<WebhookAlert>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(Alerts))
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"no {what} within {timeout.TotalSeconds:0} s; received: " +
                    string.Join("; ", Alerts.Select(a => $"{a.Status} {a.Labels.GetValueOrDefault("alertname")} {a.Labels.GetValueOrDefault("database")}")));
            await Task.Delay(250);
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            try
            {
                var payload = await JsonSerializer.DeserializeAsync<WebhookPayload>(context.Request.InputStream);
                if (payload is not null)
                    lock (_received) _received.Add(payload);
                context.Response.StatusCode = 200;
            }
            catch (JsonException)
            {
                context.Response.StatusCode = 400;
            }
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
