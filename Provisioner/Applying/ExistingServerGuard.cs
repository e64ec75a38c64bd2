using Rollout.Provisioner.Engines;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Applying;

/// <summary>
/// The structural guarantee that existing servers (the shared Plesk host) are never written:
/// no plan is made for them and the executor refuses them before opening any connection.
/// </summary>
public static class ExistingServerGuard
{
    /// <summary>Refuses a binding that gives an existing server admin credentials (they are never used, so they are a mistake).</summary>
    public static void Check(EnvironmentBinding binding)
    {
        foreach (var endpoint in binding.Servers.Values.Where(e => e.Server.Existing && (e.AdminUser is not null || e.AdminPassword is not null)))
            throw new ProvisioningException($"Server '{endpoint.Name}' is marked existing in {binding.Estate.SourcePath}: Rollout never administers it, so it must not have admin credentials bound in environment '{binding.Name}'. Remove them.");
    }

    public static void RefuseWrites(ServerEndpoint endpoint)
    {
        if (endpoint.Server.Existing)
            throw new ProvisioningException($"Refusing to change server '{endpoint.Name}': it is marked existing (shared host, never altered).");
    }
}
