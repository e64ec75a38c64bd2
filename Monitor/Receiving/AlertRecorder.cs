using System.Net;
using System.Text;
using System.Text.Json;

namespace Rollout.Monitor.Receiving;

/// <summary>
/// The local notification receiver (`Monitor receiver`): a real HTTP server taking Alertmanager's webhook calls and
/// appending each payload, unchanged, as one JSON line to a file — locally it stands where n8n stands in production,
/// so a developer (or a test) reads exactly what Alertmanager sent. GET answers 200 with the count (health check).
/// </summary>
public sealed class AlertRecorder(IPEndPoint listen, string file) : IAsyncDisposable
{
    private const int MaxPayloadBytes = 4 * 1024 * 1024;
    private readonly HttpListener _listener = new();
    private readonly SemaphoreSlim _write = new(1, 1);
    private int _recorded;

    public string Url => $"http://{listen}/";

    public string File { get; } = Path.GetFullPath(file);

    /// <summary>Starts listening; throws <see cref="HttpListenerException"/> when the port is taken.</summary>
    public void Start()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        _listener.Prefixes.Add(Url);
        // Aspire's dashboard links and browsers say "localhost" for a loopback endpoint.
        if (IPAddress.IsLoopback(listen.Address)) _listener.Prefixes.Add($"http://localhost:{listen.Port}/");
        _listener.Start();
    }

    public async Task ServeAsync(CancellationToken cancellationToken)
    {
        await using var stop = cancellationToken.Register(_listener.Stop);
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            await HandleAsync(context, cancellationToken);
        }
    }

    private async Task HandleAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        try
        {
            if (context.Request.HttpMethod != "POST")
            {
                await RespondAsync(response, 200, $"recorded {Volatile.Read(ref _recorded)} payloads in {File}\n", cancellationToken);
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body, cancellationToken);
            if (body.Length > MaxPayloadBytes)
            {
                await RespondAsync(response, 413, "payload too large\n", cancellationToken);
                return;
            }
            string line;
            try
            {
                // One line per payload: re-serialised compactly, so the file is JSON Lines whatever the sender's layout.
                using var document = JsonDocument.Parse(body.ToArray());
                line = JsonSerializer.Serialize(document.RootElement);
            }
            catch (JsonException e)
            {
                await RespondAsync(response, 400, $"not JSON: {e.Message}\n", cancellationToken);
                return;
            }
            await _write.WaitAsync(cancellationToken);
            try
            {
                await System.IO.File.AppendAllTextAsync(File, line + "\n", cancellationToken);
                Interlocked.Increment(ref _recorded);
            }
            finally
            {
                _write.Release();
            }
            await RespondAsync(response, 200, "recorded\n", cancellationToken);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException)
        {
            // The sender went away or we are stopping: Alertmanager retries what it did not get a 200 for.
            response.Abort();
        }
    }

    private static async Task RespondAsync(HttpListenerResponse response, int status, string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes, cancellationToken);
        response.Close();
    }

    public ValueTask DisposeAsync()
    {
        if (_listener.IsListening) _listener.Stop();
        _listener.Close();
        _write.Dispose();
        return ValueTask.CompletedTask;
    }
}
