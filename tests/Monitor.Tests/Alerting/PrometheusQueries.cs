namespace Rollout.Monitor.Tests.Alerting;

/// <summary>Prometheus' HTTP API, as a test polls it.</summary>
public static class PrometheusQueries
{
    /// <summary>Waits until <paramref name="path"/>'s answer contains <paramref name="expected"/>; fails with the last answer.</summary>
    public static async Task<string> WaitForBodyAsync(Uri prometheus, string path, string expected, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = prometheus, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var body = "";
        while (true)
        {
            try
            {
                body = await http.GetStringAsync(path);
                if (body.Contains(expected, StringComparison.Ordinal)) return body;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                body = e.Message;
            }
            if (DateTime.UtcNow > deadline) Assert.Fail($"Prometheus {path} did not show {expected} within {timeout.TotalSeconds:0} s: {body}");
            await Task.Delay(500);
        }
    }

    public static Task<string> WaitForAsync(Uri prometheus, string query, string expected, TimeSpan timeout) =>
        WaitForBodyAsync(prometheus, "/api/v1/query?query=" + Uri.EscapeDataString(query), expected, timeout);
}
