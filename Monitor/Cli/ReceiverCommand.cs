using System.CommandLine;
using System.Net;
using Rollout.Monitor.Receiving;

namespace Rollout.Monitor.Cli;

/// <summary><c>Monitor receiver [--listen 127.0.0.1:9471] [--record …]</c>: the recording webhook receiver until stopped.</summary>
internal static class ReceiverCommand
{
    public const string DefaultListen = "127.0.0.1:9471";
    public const string DefaultFile = "monitoring/received-alerts.jsonl";

    public static async Task<int> RunAsync(MonitorOptions options, ParseResult parse, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // --listen is shared with the probe; the receiver's own default keeps the two apart on one host.
        var listenText = parse.GetResult(options.Listen) is { Implicit: false } ? parse.GetValue(options.Listen)! : DefaultListen;
        MonitorOptions.TryParseListen(listenText, out var listen);
        var file = parse.GetValue(options.RecordFile)?.FullName
            ?? (parse.GetValue(options.StateDirectory) is { } state ? Path.Combine(state.FullName, DefaultFile) : null);
        if (file is null)
        {
            await error.WriteLineAsync($"monitor: receiver needs --record <path> or --state-dir <dir> (or ${MonitorOptions.StateDirectoryVariable}) to know where to record.");
            return MonitorCli.InvalidInput;
        }
        await using var recorder = new AlertRecorder(listen, file);
        try
        {
            recorder.Start();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"monitor: receiver cannot serve {recorder.Url} recording to {file}: {e.Message}. Choose another --listen or --record.");
            return MonitorCli.Failed;
        }
        await output.WriteLineAsync($"monitor: receiver on {recorder.Url} recording Alertmanager's webhook calls to {recorder.File}");
        await output.FlushAsync(cancellationToken);
        await recorder.ServeAsync(cancellationToken);
        return MonitorCli.Success;
    }
}
