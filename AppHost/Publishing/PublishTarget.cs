using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing;

/// <summary>
/// One environment of the estate as publishing sees it: the enabled servers and databases, the
/// server ports, and the host values (app server IP, admin IPs, PostgreSQL admin role) that go into
/// host configuration.
/// </summary>
/// <remarks>
/// Publishing reads only these few settings, with the same rules as <c>RemoteEnvironmentBinder</c>
/// (<c>${NAME}</c> / <c>${NAME:-default}</c>, all errors reported at once). It does not call the binder,
/// because binding demands every host and admin credential, which generating files never needs.
/// An unset variable becomes a <see cref="HostValue"/> placeholder instead of an error; a malformed
/// one is an error.
/// </remarks>
public sealed record PublishTarget(
    Estate Estate,
    EnvironmentSpec Environment,
    HostValue AppServerIp,
    IReadOnlyList<HostValue> AdminIps,
    IReadOnlyList<ServerSpec> Servers,
    IReadOnlyList<DatabaseSpec> Databases,
    IReadOnlyDictionary<string, int> ServerPorts,
    IReadOnlyDictionary<string, HostValue> AdminUsers)
{
    public string Name => Environment.Name;

    /// <summary>Servers whose database port the firewall opens to the app server (firewall.allowFromAppServer, enabled here).</summary>
    public IReadOnlyList<ServerSpec> FirewalledServers =>
        Servers.Where(s => Estate.Firewall.AllowFromAppServer.Contains(s.Name) && !s.Existing).ToList();

    /// <summary>Every placeholder written because its variable was unset, in a stable order.</summary>
    public IReadOnlyList<HostValue> Placeholders =>
        new[] { AppServerIp }.Concat(AdminIps).Concat(AdminUsers.Values).Where(v => v.IsPlaceholder)
            .DistinctBy(v => v.Text).ToList();

    public IEnumerable<DatabaseSpec> DatabasesOn(ServerSpec server) => Databases.Where(d => d.ServerName == server.Name);

    public static PublishTarget Resolve(Estate estate, string environmentName, Func<string, string?> variables)
    {
        var environment = estate.Environments.FirstOrDefault(e => e.Name == environmentName)
            ?? throw new PublishException($"--environment '{environmentName}': {estate.SourcePath} defines no such environment (environments: {string.Join(", ", estate.Environments.Select(e => e.Name))}).");
        var errors = new List<string>();

        HostValue? Address(Setting setting, bool required, bool allowNetwork)
        {
            var text = setting.Resolve(variables);
            if (string.IsNullOrEmpty(text)) return required ? HostValue.Placeholder(setting) : null;
            var network = allowNetwork ? IpAddresses.ParseAddressOrNetwork(text) : IpAddresses.TryParse(text, out var single) ? new IPNetwork(single, 32) : null;
            if (network is { } n && n.BaseAddress.AddressFamily == AddressFamily.InterNetwork && !n.BaseAddress.Equals(IPAddress.Any))
                return HostValue.Resolved(text, setting);
            var origin = setting.VariableName is { } name ? $" (from environment variable {name})" : "";
            var hint = network is not null
                ? "IPv6 is not supported by the generated firewall files (the iptables flavour is IPv4-only); give the host's IPv4 address"
                : allowNetwork ? "expected an IPv4 address such as 198.51.100.7 or a network such as 198.51.100.0/24"
                : "expected one IPv4 address such as 203.0.113.10, without port or prefix length";
            errors.Add($"{estate.SourcePath}: {setting.Path}: '{text}'{origin} is not a usable address: {hint}.");
            return null;
        }

        var appServer = Address(environment.AppServerIp, required: true, allowNetwork: false);
        var adminIps = environment.AdminIps.Select(s => Address(s, required: s.DefaultValue is null, allowNetwork: true)).OfType<HostValue>().ToList();

        var servers = estate.EnabledServers(environment);
        var ports = new Dictionary<string, int>();
        var adminUsers = new Dictionary<string, HostValue>();
        foreach (var server in servers)
        {
            if (!environment.Servers.TryGetValue(server.Name, out var endpoint))
            {
                ports[server.Name] = server.DefaultPort;
                continue;
            }
            var portText = endpoint.Port.Resolve(variables);
            if (string.IsNullOrEmpty(portText)) ports[server.Name] = server.DefaultPort;
            else if (int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
                ports[server.Name] = port;
            else
                errors.Add($"{estate.SourcePath}: {endpoint.Port.Path}: '{portText}'{(endpoint.Port.VariableName is { } v ? $" (from environment variable {v})" : "")} is not a port (1-65535).");
            // Only PostgreSQL names its admin role in a host file (pg_hba.conf).
            if (endpoint.AdminUser is { } adminUser && server.Engine == Engine.PostgreSql && !server.Existing)
            {
                var user = adminUser.Resolve(variables);
                if (string.IsNullOrEmpty(user)) adminUsers[server.Name] = HostValue.Placeholder(adminUser);
                else if (user.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$') && !char.IsAsciiDigit(user[0]) && user.Length <= 63)
                    adminUsers[server.Name] = HostValue.Resolved(user, adminUser);
                else
                    errors.Add($"{estate.SourcePath}: {adminUser.Path}: '{user}'{(adminUser.VariableName is { } v ? $" (from environment variable {v})" : "")} cannot be written into pg_hba.conf: use a plain role name (letters, digits, _ and $, at most 63 bytes, not starting with a digit).");
            }
        }

        if (errors.Count > 0)
            throw PublishException.FromErrors($"Cannot publish environment '{environmentName}'; nothing was written:", errors);
        return new PublishTarget(estate, environment, appServer!, adminIps, servers, estate.EnabledDatabases(environment), ports, adminUsers);
    }
}
