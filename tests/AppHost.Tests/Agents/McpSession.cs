using Rollout.AppHost.Tests.Lifecycle;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rollout.AppHost.Tests.Agents;

/// <summary>
/// An agent's side of Aspire's MCP server (`aspire agent mcp`): JSON-RPC 2.0, one message per line on the server's
/// stdin and stdout (MCP's stdio transport). Opened with initialize and notifications/initialized, as every MCP client does.
/// </summary>
internal sealed class McpSession : IAsyncDisposable
{
    private readonly Process _server;
    private readonly Task<string> _log;
    private int _nextId;

    private McpSession(Process server)
    {
        _server = server;
        _log = server.StandardError.ReadToEndAsync();
    }

    public static async Task<McpSession> OpenAsync(AspireCli cli, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(AspireCli.Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppHostProcess.RepositoryRoot,
        };
        foreach (var argument in new[] { "agent", "mcp", "--nologo" }) start.ArgumentList.Add(argument);
        foreach (var (name, value) in cli.Environment) start.Environment[name] = value;
        var session = new McpSession(Process.Start(start)!);
        var initialized = await session.RequestAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = "2025-06-18",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "rollout-tests", ["version"] = "1.0" },
        }, cancellationToken);
        Assert.Equal("aspire-mcp-server", (string?)initialized["serverInfo"]?["name"]);
        await session.SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "notifications/initialized" });
        return session;
    }

    /// <summary>tools/call of execute_resource_command: the answer's text and whether the server flagged it an error.</summary>
    public async Task<(string Text, bool IsError)> ExecuteResourceCommandAsync(string resource, string command, CancellationToken cancellationToken)
    {
        var result = await RequestAsync("tools/call", new JsonObject
        {
            ["name"] = "execute_resource_command",
            ["arguments"] = new JsonObject { ["resourceName"] = resource, ["commandName"] = command },
        }, cancellationToken);
        var text = string.Join(Environment.NewLine, result["content"]!.AsArray().Select(c => (string?)c?["text"]));
        return (text, (bool?)result["isError"] ?? false);
    }

    public async Task<JsonNode> RequestAsync(string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters });
        while (true)
        {
            var line = await _server.StandardOutput.ReadLineAsync(cancellationToken)
                ?? throw new InvalidOperationException($"aspire agent mcp closed its output before answering {method}:{Environment.NewLine}{await StandardErrorAsync()}");
            // Notifications (logging, progress) come between the answers; only our id's answer counts.
            if (Parse(line) is not JsonObject message || (int?)message["id"] != id) continue;
            if (message["error"] is { } error) throw new InvalidOperationException($"{method} answered with an error: {error.ToJsonString()}");
            return message["result"] ?? throw new InvalidOperationException($"{method}: no result in {line}");
        }
    }

    /// <summary>A line of the server's stdout as JSON; anything else (the stdio transport allows none, but a stray line must not hide the answer) is skipped.</summary>
    private static JsonNode? Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task SendAsync(JsonObject message)
    {
        await _server.StandardInput.WriteLineAsync(message.ToJsonString(JsonSerializerOptions.Default));
        await _server.StandardInput.FlushAsync();
    }

    private async Task<string> StandardErrorAsync()
    {
        if (!_server.HasExited) return "(still running)";
        return await _log;
    }

    public async ValueTask DisposeAsync()
    {
        // Closing stdin ends an MCP stdio server; killed if it lingers.
        _server.StandardInput.Close();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _server.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _server.Kill(entireProcessTree: true);
        }
        _server.Dispose();
    }
}
