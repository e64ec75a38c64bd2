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
    /// <summary>
    /// Admin credentials bound for an existing server are used read-only (<see cref="ExistingServerChecks"/>, the
    /// SmokeRunner's baseline), but only when both halves are there: half an account is a binding mistake.
    /// </summary>
    public static void Check(EnvironmentBinding binding)
    {
        foreach (var endpoint in binding.Servers.Values.Where(e => e.Server.Existing && (e.AdminUser is null) != (e.AdminPassword is null)))
            throw new ProvisioningException($"Server '{endpoint.Name}' (existing) has only {(endpoint.AdminUser is null ? "an admin password" : "an admin user")} bound in environment '{binding.Name}': " +
                "bind both (it is used read-only) or neither.");
    }

    public static void RefuseWrites(ServerEndpoint endpoint)
    {
        if (endpoint.Server.Existing)
            throw new ProvisioningException($"Refusing to change server '{endpoint.Name}': it is marked existing (shared host, never altered).");
    }
}
