using System.Globalization;
using System.Net;
using Rollout.Topology.Model;

namespace Rollout.Topology.Binding;

/// <summary>
/// Binds a remote environment (staging, production) from environment variables named in
/// rollout.yaml (MYSQL_HOST, PG_PORT, …). Every missing or malformed variable is reported at once.
/// </summary>
public static class RemoteEnvironmentBinder
{
    public static EnvironmentBinding Bind(Estate estate, string environmentName, Func<string, string?> variables)
    {
        var environment = estate.Environment(environmentName);
        var errors = new List<string>();

        string? Resolve(Setting? setting, bool required)
        {
            if (setting is null) return null;
            var value = setting.Resolve(variables);
            if (required && string.IsNullOrEmpty(value))
                errors.Add($"{setting.Path}: environment variable {setting.VariableName} is not set (set it, or give a default as ${{{setting.VariableName}:-value}} in {estate.SourcePath}).");
            return string.IsNullOrEmpty(value) ? null : value;
        }

        IPAddress? ParseIp(Setting setting, bool required)
        {
            var text = Resolve(setting, required);
            if (text is null) return null;
            if (IpAddresses.TryParse(text, out var ip)) return ip;
            errors.Add($"{setting.Path}: '{text}'{FromVariable(setting)} is not an IP address (expected e.g. 203.0.113.10).");
            return null;
        }

        var appServerIp = ParseIp(environment.AppServerIp, required: true);
        var adminNetworks = new List<IPNetwork>();
        foreach (var setting in environment.AdminIps)
        {
            var text = Resolve(setting, required: setting.DefaultValue is null);
            if (text is null) continue;
            if (IpAddresses.ParseAddressOrNetwork(text) is { } network) adminNetworks.Add(network);
            else errors.Add($"{setting.Path}: '{text}'{FromVariable(setting)} is not an IP address or CIDR network (expected e.g. 198.51.100.7 or 198.51.100.0/24).");
        }

        var servers = new Dictionary<string, ServerEndpoint>();
        foreach (var server in estate.EnabledServers(environment))
        {
            if (!environment.Servers.TryGetValue(server.Name, out var spec))
            {
                errors.Add($"environments.{environment.Name}.servers: server '{server.Name}' has no endpoint.");
                continue;
            }
            var host = Resolve(spec.Host, required: true);
            var portText = Resolve(spec.Port, required: true);
            int port = 0;
            if (portText is not null && !(int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535))
                errors.Add($"{spec.Port.Path}: '{portText}'{FromVariable(spec.Port)} is not a port (1-65535).");
            var adminUser = Resolve(spec.AdminUser, required: !server.Existing && server.IsDatabaseServer);
            var adminPassword = Resolve(spec.AdminPassword, required: !server.Existing && server.IsDatabaseServer);
            var caFile = Resolve(spec.CaFile, required: false);
            if (host is not null)
                servers[server.Name] = new ServerEndpoint(server, host, port, adminUser,
                    adminPassword is null ? null : new Secret(adminPassword), caFile);
        }

        // Two servers resolving to one address would let provisioning of a managed server write to an existing one.
        foreach (var clash in servers.Values.GroupBy(s => (Host: s.Host.ToLowerInvariant(), s.Port)).Where(g => g.Count() > 1))
            errors.Add($"environments.{environment.Name}.servers: {string.Join(" and ", clash.Select(s => s.Name))} resolve to the same address {clash.Key.Host}:{clash.Key.Port}" +
                (clash.Any(s => s.Server.Existing) ? $"; provisioning would touch the existing server '{clash.First(s => s.Server.Existing).Name}'." : "."));

        if (errors.Count > 0) throw new BindingException(environmentName, errors);
        return new EnvironmentBinding(estate, environment, appServerIp!, adminNetworks, servers, estate.EnabledDatabases(environment));
    }

    private static string FromVariable(Setting setting) =>
        setting.VariableName is { } name ? $" (from {name})" : "";
}

public sealed class BindingException(string environment, IReadOnlyList<string> errors)
    : Exception($"Environment '{environment}' cannot be bound:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
