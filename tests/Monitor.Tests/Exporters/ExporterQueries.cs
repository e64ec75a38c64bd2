using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Rollout.Monitor.Tests.Alerting;

namespace Rollout.Monitor.Tests.Exporters;

/// <summary>What the exporter tests ask Prometheus and Redis.</summary>
public static class ExporterQueries
{
    /// <summary>Waits until <paramref name="selector"/> has a series with <paramref name="server"/> whose value is <paramref name="value"/>.</summary>
    public static Task<string> WaitForValueAsync(Uri prometheus, string selector, string server, int value, TimeSpan timeout) =>
        PrometheusQueries.WaitForAsync(prometheus, $"{selector} == {value}", $"\"server\":\"{server}\"", timeout);

    /// <summary>The series of an instant query: labels and value.</summary>
    public static async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(Uri prometheus, string query)
    {
        using var http = new HttpClient { BaseAddress = prometheus, Timeout = TimeSpan.FromSeconds(5) };
        using var answer = JsonDocument.Parse(await http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(query)));
        return answer.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(r => (r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                double.Parse(r.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>Sends RESP commands over TLS (the local CA verified) and returns the reply lines, one per command.</summary>
    public static async Task<IReadOnlyList<string>> RedisAsync(string host, int port, string caPath, params string[][] commands)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        using var ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
        await using var tls = new SslStream(client.GetStream(), false, (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(new X509Certificate2(certificate));
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host });
        using var reader = new StreamReader(tls, Encoding.UTF8);
        var replies = new List<string>();
        foreach (var command in commands)
        {
            var text = new StringBuilder($"*{command.Length}\r\n");
            foreach (var part in command) text.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
            await tls.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()));
            var line = await reader.ReadLineAsync() ?? "";
            // A bulk reply's payload (ASCII here) follows in full; the tests only need its first line.
            if (line.StartsWith('$') && line != "$-1")
            {
                var payload = new char[int.Parse(line[1..], System.Globalization.CultureInfo.InvariantCulture) + 2];
                await reader.ReadBlockAsync(payload, 0, payload.Length);
                line = new string(payload).Split("\r\n")[0];
            }
            replies.Add(line);
        }
        return replies;
    }
}
