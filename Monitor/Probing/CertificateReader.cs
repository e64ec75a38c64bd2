using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Monitor.Probing;

/// <summary>
/// Reads the certificate a database server presents, the way its clients meet it: MariaDB and PostgreSQL start TLS
/// inside their own protocol (an HTTPS/blackbox probe cannot), Redis speaks TLS from the first byte. No login is
/// made; the certificate is read even when it has expired or does not verify, since its expiry is what is wanted.
/// </summary>
public static class CertificateReader
{
    /// <summary>MariaDB capability flags: long password, protocol 4.1, SSL, secure connection.</summary>
    private const uint MariaDbSslCapabilities = 0x1 | 0x200 | 0x800 | 0x8000;

    /// <summary>PostgreSQL's SSLRequest code (1234 &lt;&lt; 16 | 5679).</summary>
    private const int PostgreSqlSslRequest = 80877103;

    public static async Task<X509Certificate2> ReadAsync(ServerEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port, deadline.Token);
        var stream = client.GetStream();
        switch (endpoint.Engine)
        {
            case Engine.MariaDb:
                await MariaDbStartTlsAsync(stream, deadline.Token);
                break;
            case Engine.PostgreSql:
                await PostgreSqlStartTlsAsync(stream, deadline.Token);
                break;
        }
        X509Certificate2? presented = null;
        await using var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = endpoint.Host,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate is null ? null : new X509Certificate2(certificate);
                return true;
            },
        }, deadline.Token);
        return presented ?? throw new IOException($"{endpoint} presented no certificate after STARTTLS.");
    }

    /// <summary>Reads the server's greeting, then answers with an SSL request packet (sequence 1) instead of a login.</summary>
    private static async Task MariaDbStartTlsAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var length = header[0] | header[1] << 8 | header[2] << 16;
        var greeting = new byte[length];
        await stream.ReadExactlyAsync(greeting, cancellationToken);
        if (greeting.Length > 0 && greeting[0] == 0xFF)
            throw new IOException("the MariaDB server refused the connection in its greeting (an error packet instead of a handshake).");
        var request = new byte[4 + 32];
        request[0] = 32;
        request[3] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(4), MariaDbSslCapabilities);
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(8), 16 * 1024 * 1024);
        request[12] = 45; // utf8mb4_general_ci
        await stream.WriteAsync(request, cancellationToken);
    }

    /// <summary>Sends PostgreSQL's SSLRequest; the server answers 'S' when it will speak TLS.</summary>
    private static async Task PostgreSqlStartTlsAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var request = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(request, 8);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), PostgreSqlSslRequest);
        await stream.WriteAsync(request, cancellationToken);
        var answer = new byte[1];
        await stream.ReadExactlyAsync(answer, cancellationToken);
        if (answer[0] != (byte)'S')
            throw new IOException($"the PostgreSQL server declined TLS (answered '{(char)answer[0]}' to SSLRequest).");
    }
}
