using System.Net;
using System.Net.Sockets;

namespace Rollout.SmokeRunner.Network;

/// <summary>
/// A tiny TCP relay whose outgoing sockets are bound to a chosen source address, so that a client
/// that cannot pick its own local address (MySqlConnector, Npgsql) reaches the server "from another
/// host". Bytes pass through untouched: TLS is negotiated end to end between client and server.
/// </summary>
public sealed class SourceAddressRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly IPAddress _source;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private volatile string? _lastError;

    private SourceAddressRelay(IPEndPoint target, IPAddress source)
    {
        _target = target;
        _source = source;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
    }

    /// <summary>Where clients connect to reach the target from the source address.</summary>
    public string Host => IPAddress.Loopback.ToString();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IPAddress Source => _source;

    /// <summary>Why the relay's last outgoing connection failed (e.g. the source address cannot be bound), else null.</summary>
    public string? LastError => _lastError;

    public static SourceAddressRelay Start(string targetHost, int targetPort, IPAddress source) =>
        new(new IPEndPoint(ResolveLoopback(targetHost), targetPort), source);

    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    private static IPAddress ResolveLoopback(string host) =>
        IPAddress.TryParse(host, out var ip) ? ip : IPAddress.Loopback;

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(cancellationToken); }
            catch (Exception) when (cancellationToken.IsCancellationRequested) { return; }
            catch (SocketException) { return; }
            _ = RelayAsync(client, cancellationToken);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken cancellationToken)
    {
        using var clientSocket = client;
        using var server = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            server.Bind(new IPEndPoint(_source, 0));
            await server.ConnectAsync(_target, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            _lastError = $"relay could not reach {_target} from {_source}: {e.Message}";
            return;
        }
        await using var fromClient = new NetworkStream(clientSocket, ownsSocket: false);
        await using var toServer = new NetworkStream(server, ownsSocket: false);
        var upstream = PumpAsync(fromClient, toServer, server, cancellationToken);
        var downstream = PumpAsync(toServer, fromClient, clientSocket, cancellationToken);
        await Task.WhenAll(upstream, downstream);
    }

    private static async Task PumpAsync(Stream from, Stream to, Socket toSocket, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away: the other side sees the close; nothing to report.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try { await _acceptLoop; } catch (OperationCanceledException) { }
        _stopping.Dispose();
    }
}
