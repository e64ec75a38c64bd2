using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Rollout.SmokeRunner.Tests.Stack;

/// <summary>
/// One real server process a test stack started (MariaDB, PostgreSQL or Redis) in its own directory
/// on a free port. Only this process is ever stopped: by its own pid, never by name.
/// </summary>
internal sealed class ThrowawayServer(string name, string kind, string directory, int port, string? systemUser, Func<ThrowawayServer, IReadOnlyList<string>> command)
{
    private Process? _process;

    public string Name => name;
    public string Kind => kind;
    public string Directory => directory;
    public int Port => port;
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;
    public string LogPath => Path.Combine(directory, "server.log");

    public void Start()
    {
        var inner = command(this);
        // exec keeps the pid: the process we hold is the server itself, with its output in its own log.
        string[] shell = ["/bin/sh", "-c", $"exec \"$0\" \"$@\" >>'{LogPath}' 2>&1", .. inner];
        _process = TestProcess.Start(TestProcess.As(systemUser, shell[0], shell.Skip(1)));
    }

    public async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true })
                throw new InvalidOperationException($"{name} exited during start-up: {Tail()}");
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
        throw new TimeoutException($"{name} did not listen on {port} within 60 s: {Tail()}");
    }

    /// <summary>Stops this server (SIGTERM, then SIGKILL after 15 s) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        using (var kill = TestProcess.Start(["kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
    }

    public string Tail() => File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(15)) : "(no log)";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
