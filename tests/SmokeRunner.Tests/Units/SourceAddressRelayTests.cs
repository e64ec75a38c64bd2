using System.Net;
using System.Net.Sockets;
using Rollout.SmokeRunner.Network;

namespace Rollout.SmokeRunner.Tests.Units;

public class SourceAddressRelayTests
{
    [Fact]
    public async Task The_server_sees_the_relays_source_address_and_bytes_pass_both_ways()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        await using var relay = SourceAddressRelay.Start("127.0.0.1", port, IPAddress.Parse("127.0.0.2"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        using var client = new TcpClient();
        await client.ConnectAsync(relay.Host, relay.Port, timeout.Token);
        using var accepted = await server.AcceptTcpClientAsync(timeout.Token);
        var clientStream = client.GetStream();
        var serverStream = accepted.GetStream();
        await clientStream.WriteAsync("ping"u8.ToArray(), timeout.Token);
        var buffer = new byte[4];
        await serverStream.ReadExactlyAsync(buffer, timeout.Token);
        await serverStream.WriteAsync("pong"u8.ToArray(), timeout.Token);
        var reply = new byte[4];
        await clientStream.ReadExactlyAsync(reply, timeout.Token);

        Assert.Equal(IPAddress.Parse("127.0.0.2"), ((IPEndPoint)accepted.Client.RemoteEndPoint!).Address);
        Assert.Equal("ping"u8.ToArray(), buffer);
        Assert.Equal("pong"u8.ToArray(), reply);
    }

    [Fact]
    public async Task A_source_address_that_cannot_be_bound_is_reported()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        // 192.0.2.1 (TEST-NET-1) is on no interface of this machine, so binding to it fails.
        await using var relay = SourceAddressRelay.Start("127.0.0.1", ((IPEndPoint)server.LocalEndpoint).Port, IPAddress.Parse("192.0.2.1"));
        using var client = new TcpClient();
        await client.ConnectAsync(relay.Host, relay.Port);

        var read = await client.GetStream().ReadAsync(new byte[1]);
        for (var i = 0; i < 50 && relay.LastError is null; i++) await Task.Delay(20);

        Assert.Equal(0, read);
        Assert.Contains("relay could not reach 127.0.0.1:", relay.LastError);
        Assert.Contains("from 192.0.2.1", relay.LastError);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("localhost", true)]
    [InlineData("::1", true)]
    [InlineData("db-mariadb.example.net", false)]
    [InlineData("203.0.113.5", false)]
    public void Only_loopback_servers_can_be_reached_from_a_simulated_foreign_address(string host, bool loopback) =>
        Assert.Equal(loopback, SourceAddressRelay.IsLoopback(host));
}
