using System.Globalization;
using System.Net;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Topology.Validation;

internal static class EnvironmentRules
{
    public static void Validate(Estate estate, LoadContext context)
    {
        if (!estate.Environments.Any(e => e.Kind == EnvironmentKind.Local))
            context.Error("environments", "no environment of kind local: the AppHost needs one (e.g. environments.local with kind: local).");
        foreach (var environment in estate.Environments)
            Validate(estate, environment, $"environments.{environment.Name}", context);
    }

    private static void Validate(Estate estate, EnvironmentSpec environment, string path, LoadContext context)
    {
        var local = environment.Kind == EnvironmentKind.Local;
        Address(environment.AppServerIp, local, allowNetwork: false, context);
        foreach (var ip in environment.AdminIps) Address(ip, local, allowNetwork: true, context);

        foreach (var name in environment.OptionalDatabases)
        {
            var db = estate.Databases.FirstOrDefault(d => d.Name == name);
            if (db is null)
                context.Error($"{path}.optionalDatabases", $"database '{name}' is not defined under databases:.");
            else if (!db.Optional)
                context.Error($"{path}.optionalDatabases", $"database '{name}' is not optional (always present): only databases with optional: true can be enabled here.");
        }

        foreach (var (name, endpoint) in environment.Servers)
        {
            var server = estate.Servers.FirstOrDefault(s => s.Name == name);
            var serverPath = $"{path}.servers.{name}";
            if (server is null)
            {
                context.Error(serverPath, $"server '{name}' is not defined; defined servers: {string.Join(", ", estate.Servers.Select(s => s.Name))}.");
                continue;
            }
            Literal(endpoint.Host, local, context);
            if (!endpoint.Port.IsReference && !IsPort(endpoint.Port.Raw))
                context.Error(endpoint.Port.Path, $"'{endpoint.Port.Raw}' is not a port (1-65535).");
            if (local && !endpoint.Host.IsReference && !IsLoopback(endpoint.Host.Raw))
                context.Error(endpoint.Host.Path, $"'{endpoint.Host.Raw}' is not a loopback address: the local replica binds to 127.0.0.1.");
            if (server.Existing && (endpoint.AdminUser is not null || endpoint.AdminPassword is not null))
                context.Error(serverPath, $"server '{name}' is marked existing: Rollout never administers it, so it takes no adminUser/adminPassword.");
            if (endpoint.AdminPassword is { IsReference: false } password && password.Raw.Length > 0)
                context.Error(password.Path, "a password must not be written into rollout.yaml: reference an environment variable, e.g. ${MYSQL_ADMIN_PASS}.");
            if (local && (endpoint.AdminUser is not null || endpoint.AdminPassword is not null))
                context.Error(serverPath, "a local environment takes no admin credentials: the AppHost creates them.");
        }

        foreach (var server in estate.EnabledServers(environment))
            if (!environment.Servers.ContainsKey(server.Name))
                context.Error($"{path}.servers", $"server '{server.Name}' has no endpoint in environment '{environment.Name}': add servers.{server.Name} with host and port.");

        var clashes = environment.Servers
            .Where(s => !s.Value.Host.IsReference && !s.Value.Port.IsReference)
            .GroupBy(s => (s.Value.Host.Raw, s.Value.Port.Raw))
            .Where(g => g.Count() > 1);
        foreach (var clash in clashes)
            context.Error(clash.Last().Value.Port.Path, $"port {clash.Key.Item2} on {clash.Key.Item1} is used by {string.Join(" and ", clash.Select(c => c.Key))}: give each server its own port.");

        if (environment.Name == "production" && (environment.Github is null || environment.Github.RequiredReviewers.Count == 0))
            context.Error($"{path}.github", "production needs a review gate: set github.requiredReviewers (plan phase 4).");
        if (environment.Deploy is { } deploy && !deploy.SshPort.IsReference && !IsPort(deploy.SshPort.Raw))
            context.Error(deploy.SshPort.Path, $"'{deploy.SshPort.Raw}' is not a port (1-65535).");
    }

    private static void Address(Setting setting, bool local, bool allowNetwork, LoadContext context)
    {
        if (!Literal(setting, local, context) || setting.IsReference) return;
        var ok = IpAddresses.TryParse(setting.Raw, out _) || (allowNetwork && IpAddresses.TryParseNetwork(setting.Raw, out _));
        if (!ok)
            context.Error(setting.Path, allowNetwork
                ? $"'{setting.Raw}' is not an IP address or CIDR network (e.g. 198.51.100.7 or 198.51.100.0/24)."
                : $"'{setting.Raw}' is not an IP address (e.g. 203.0.113.10).");
    }

    /// <summary>Local environments are never resolved from variables: their values must be literal.</summary>
    private static bool Literal(Setting setting, bool local, LoadContext context)
    {
        if (!local || !setting.IsReference) return true;
        context.Error(setting.Path, $"'{setting.Raw}' is a variable reference, but a local environment takes literal values.");
        return false;
    }

    private static bool IsPort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535;

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
}
