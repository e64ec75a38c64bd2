using System.Net;
using System.Net.Sockets;

namespace Rollout.AppHost.Local;

/// <summary>Checks and finds loopback TCP ports.</summary>
public static class PortProbe
{
    public static bool IsFree(string host, int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(host), port));
            socket.Listen();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// A free loopback port below Linux's ephemeral range (32768-60999): a port the kernel hands out for "any" is an
    /// ephemeral one, which the orchestrator's own connections may take as their source port before the server binds it.
    /// Another process may still take it: callers retry.
    /// </summary>
    public static int FindFree()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            if (IsFree("127.0.0.1", port)) return port;
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var fallback = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return fallback;
    }

    public static void RequireFree(string host, int port, string resource)
    {
        if (!IsFree(host, port))
            throw new PortInUseException(resource, host, port);
    }
}

/// <summary>A resource's port is taken: the message names the port, the resource and the fixes.</summary>
public sealed class PortInUseException(string resource, string host, int port)
    : LocalServerException($"Port {port} on {host} for resource '{resource}' is already in use. Find the owner with `ss -ltnp 'sport = :{port}'` and stop it, " +
        $"or give '{resource}' another port with --port {resource}={port + 1}.")
{
    public string Resource { get; } = resource;

    public int Port { get; } = port;
}
