using System.Net;
using Rollout.Topology.Model;

namespace Rollout.Topology.Binding;

/// <summary>Where and as whom one server of the estate is reached in a bound environment.</summary>
public sealed record ServerEndpoint(
    ServerSpec Server,
    string Host,
    int Port,
    string? AdminUser,
    Secret? AdminPassword,
    string? CaFile)
{
    public string Name => Server.Name;
    public Engine Engine => Server.Engine;
    public override string ToString() => $"{Server.Name} ({Host}:{Port})";
}

/// <summary>
/// An environment of the estate resolved to concrete endpoints: the one thing Provisioner and
/// SmokeRunner act on. Service-user passwords are not here: they come from a secret source.
/// Admin addresses are networks: a single admin IP is a /32 (or /128).
/// </summary>
public sealed record EnvironmentBinding(
    Estate Estate,
    EnvironmentSpec Environment,
    IPAddress AppServerIp,
    IReadOnlyList<IPNetwork> AdminNetworks,
    IReadOnlyDictionary<string, ServerEndpoint> Servers,
    IReadOnlyList<DatabaseSpec> Databases)
{
    public string Name => Environment.Name;

    public ServerEndpoint EndpointOf(DatabaseSpec database) =>
        Servers.TryGetValue(database.ServerName, out var endpoint)
            ? endpoint
            : throw new KeyNotFoundException($"Server '{database.ServerName}' of database '{database.Name}' is not bound in environment '{Name}'.");

    public IEnumerable<DatabaseSpec> DatabasesOn(string serverName) => Databases.Where(d => d.ServerName == serverName);
}
