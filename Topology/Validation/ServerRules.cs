using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Topology.Validation;

internal static class ServerRules
{
    public static void Validate(Estate estate, LoadContext context)
    {
        if (estate.Servers.Count == 0) context.Error("servers", "no servers are defined: add at least one under servers:.");
        foreach (var server in estate.Servers)
        {
            if (!Identifiers.ResourceName().IsMatch(server.Name))
                context.Error($"servers.{server.Name}", $"server name '{server.Name}' may use only lower-case letters, digits and -, starting with a letter (it becomes a resource and host name).");
            // An existing server is only ever checked through its databases' service users (Rollout has no admin there):
            // without a database nothing could be checked, and the smoke baseline could never be read.
            if (server.Existing && server.IsDatabaseServer && !estate.DatabasesOn(server.Name).Any())
                context.Error($"servers.{server.Name}", $"'{server.Name}' is an existing server without databases: Rollout checks an existing server only through " +
                    $"the service users of its databases, so there would be nothing to check. List its databases under databases: (server: {server.Name}), or remove the server.");
            if (server.Engine == Engine.Redis && estate.DatabasesOn(server.Name).Any())
                context.Error($"servers.{server.Name}", $"server '{server.Name}' is redis: it holds no SQL databases, but {string.Join(", ", estate.DatabasesOn(server.Name).Select(d => d.Name))} name it.");
        }
    }
}
