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
/// What the AppHost's alert-receiver resource recorded: its JSON Lines file, one Alertmanager payload per line.
/// <see cref="From"/> reads only what arrived after a mark, so tests sharing the estate see their own alerts only.
/// </summary>
public sealed class RecordedAlerts(string file, int skip = 0)
{
    public string File { get; } = file;

    /// <summary>A view of only the payloads recorded from now on.</summary>
    public RecordedAlerts FromNow() => new(File, ReadLines().Count);

    public IReadOnlyList<WebhookPayload> Received =>
        ReadLines().Skip(skip).Select(line => JsonSerializer.Deserialize<WebhookPayload>(line) ?? throw new InvalidDataException($"{File}: empty payload line")).ToList();

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

    /// <summary>Complete lines only: the receiver may be appending the next one right now.</summary>
    private List<string> ReadLines()
    {
        if (!System.IO.File.Exists(File)) return [];
        using var stream = new FileStream(File, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = new StreamReader(stream).ReadToEnd();
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
