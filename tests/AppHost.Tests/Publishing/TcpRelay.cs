using System.Net;
using System.Net.Sockets;

namespace Rollout.AppHost.Tests.Publishing;

/// <summary>
/// A byte relay on 127.0.0.1 whose outgoing connections leave from a chosen loopback source address
/// (127.0.0.2): the server sees that address, while the client — with its TLS — stays unchanged.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public TcpRelay(IPAddress source, IPEndPoint target)
    {
        _listener.Start();
        _accepting = AcceptAsync(source, target, _stop.Token);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync(IPAddress source, IPEndPoint target, CancellationToken cancellationToken)
    {
        var connections = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(cancellationToken);
                connections.Add(PumpAsync(client, source, target, cancellationToken));
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(connections);
    }

    private static async Task PumpAsync(TcpClient client, IPAddress source, IPEndPoint target, CancellationToken cancellationToken)
    {
        using (client)
        using (var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                upstream.Bind(new IPEndPoint(source, 0));
                await upstream.ConnectAsync(target, cancellationToken);
                await using var server = new NetworkStream(upstream, ownsSocket: false);
                var downstream = client.GetStream();
                var toServer = CopyThenShutdownAsync(downstream, server, upstream, cancellationToken);
                var toClient = CopyThenShutdownAsync(server, downstream, client.Client, cancellationToken);
                await Task.WhenAll(toServer, toClient);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A side closed: the relay's job for this connection is over.
            }
        }
    }

    private static async Task CopyThenShutdownAsync(Stream from, Stream to, Socket toSocket, CancellationToken cancellationToken)
    {
        await from.CopyToAsync(to, cancellationToken);
        toSocket.Shutdown(SocketShutdown.Send);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
