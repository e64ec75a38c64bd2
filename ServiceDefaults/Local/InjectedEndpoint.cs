using System.Data.Common;
using System.Globalization;
using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Local;

/// <summary>
/// A server's endpoint as Aspire injects it into a project resource that references the server:
/// ConnectionStrings__&lt;server&gt; = "Server=127.0.0.1;Port=23307;…" (MariaDB), "Host=…;Port=…" (PostgreSQL) or "127.0.0.1:26379,ssl=true" (Redis).
/// </summary>
public sealed record InjectedEndpoint(string Host, int Port)
{
    public static string VariableName(string resourceName) => "ConnectionStrings__" + resourceName;

    /// <summary>The host and port in <paramref name="connectionString"/>, or null when it is absent or names neither.</summary>
    public static InjectedEndpoint? Parse(ServerSpec server, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return null;
        if (server.Engine == Engine.Redis)
        {
            var address = connectionString.Split(',')[0];
            var colon = address.LastIndexOf(':');
            return colon > 0 && int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var redisPort)
                ? new InjectedEndpoint(address[..colon], redisPort) : null;
        }
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var host = (parts.TryGetValue("Server", out var s) ? s : parts.TryGetValue("Host", out var h) ? h : null) as string;
        return host is not null && parts.TryGetValue("Port", out var p) && int.TryParse(p as string, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? new InjectedEndpoint(host, port) : null;
    }
}
