using System.Net;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Local;

/// <summary>
/// Binds the `local` environment to the running AppHost: endpoints from what Aspire injects into a project resource
/// (ConnectionStrings__&lt;server&gt;), else from resources.json (a script or a standalone run); admin credentials from the
/// local secret store. The existing (Plesk) replica's admin is bound too: the Provisioner and the SmokeRunner use it only
/// through a read-only session (DatabaseConnectionFactory.OpenReadOnlyAdminAsync), as they would a production Plesk admin.
/// </summary>
public static class LocalEnvironmentBinder
{
    public static async Task<EnvironmentBinding> BindAsync(Estate estate, string stateDirectory, CancellationToken cancellationToken, string environmentName = "local",
        Func<string, string?>? variables = null)
    {
        variables ??= System.Environment.GetEnvironmentVariable;
        var environment = estate.Environment(environmentName);
        if (environment.Kind != EnvironmentKind.Local)
            throw new ArgumentException($"Environment '{environmentName}' is not a local environment.");
        var injected = estate.EnabledServers(environment).ToDictionary(s => s.Name, s => InjectedEndpoint.Parse(s, variables(InjectedEndpoint.VariableName(s.Name))));
        var snapshot = injected.Values.All(e => e is not null)
            ? new ResourceSnapshot(stateDirectory, Path.Combine(stateDirectory, "tls", "ca.crt"), 0, [])
            : await ResourceSnapshot.ReadAsync(stateDirectory, cancellationToken);
        var store = LocalSecretStore.InStateDirectory(stateDirectory);
        var servers = new Dictionary<string, ServerEndpoint>();
        foreach (var server in estate.EnabledServers(environment))
        {
            var resource = injected[server.Name] is { } endpoint
                ? new ResourceState(server.Name, server.Engine.ToString(), "Running", endpoint.Host, endpoint.Port, null, null)
                : snapshot.Resources.FirstOrDefault(r => r.Name == server.Name);
            if (resource?.Host is null || resource.Port is null)
                throw new InvalidOperationException($"{Path.Combine(stateDirectory, ResourceSnapshot.FileName)}: server '{server.Name}' is not running. Start the stack with `dotnet run --project AppHost`.");
            var adminPassword = !server.IsDatabaseServer
                ? null
                : await store.GetAsync(LocalSecretNames.AdminPassword(server.Name), cancellationToken);
            servers[server.Name] = new ServerEndpoint(server, resource.Host, resource.Port.Value,
                adminPassword is null ? null : LocalSecretNames.AdminUser, adminPassword, snapshot.CaCertificate);
        }
        return new EnvironmentBinding(estate, environment,
            IPAddress.Parse(environment.AppServerIp.Raw),
            environment.AdminIps.Select(ip => IpAddresses.ParseAddressOrNetwork(ip.Raw)!.Value).ToList(),
            servers, estate.EnabledDatabases(environment));
    }
}
