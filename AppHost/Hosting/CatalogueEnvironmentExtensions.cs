using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Rollout.AppHost.Publishing.Secrets;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Hosting;

/// <summary>What the published environment's servers are in Aspire's manifest: their address and, for the ones we
/// run, the administrator the Provisioner logs in as.</summary>
public sealed record PublishedServer(ReferenceExpression Host, ReferenceExpression Port, string? AdminUser, ParameterResource? AdminPassword);

/// <summary>The environment a manifest is published for, and its servers by name (publish mode only).</summary>
public sealed record PublishedTarget(Estate Estate, EnvironmentSpec Environment, IReadOnlyDictionary<string, PublishedServer> Servers);

/// <summary>
/// In the manifest, the Provisioner and the SmokeRunner bind from the secret catalogue's variables (MYSQL_HOST,
/// MO_CRM_DB_PASS, the admin credentials, the backup and monitoring passwords …) as they do from a GitHub environment.
/// Each variable is wired to what holds it in the model: a server's binding, a database's password parameter, an
/// administrator's password; every other one becomes a parameter the deployment supplies (secret when sensitive).
/// </summary>
public static class CatalogueEnvironmentExtensions
{
    public static IResourceBuilder<ProjectResource> WithCatalogueEnvironment(this IResourceBuilder<ProjectResource> project, EstateResources estate, PublishedTarget target)
    {
        var wired = Wired(estate, target);
        var deploy = target.Environment.Deploy;
        // The deploy job's SSH settings are the workflow's, not the programs'.
        var skip = deploy is null ? [] : new[] { deploy.SshHost, deploy.SshPort, deploy.SshUser, deploy.SshTargetDir }
            .Select(s => s.VariableName).OfType<string>().Append(SecretCatalogue.SshPrivateKey).ToHashSet();
        foreach (var secret in SecretCatalogue.For(target.Estate, target.Environment).Secrets.Where(s => !skip.Contains(s.Name)))
        {
            if (wired.TryGetValue(secret.Name, out var expression)) project.WithEnvironment(secret.Name, expression);
            else project.WithEnvironment(secret.Name, Parameter(project.ApplicationBuilder, secret));
        }
        return project;
    }

    private static Dictionary<string, ReferenceExpression> Wired(EstateResources estate, PublishedTarget target)
    {
        var wired = new Dictionary<string, ReferenceExpression>(StringComparer.Ordinal);
        foreach (var (name, server) in target.Servers)
        {
            if (!target.Environment.Servers.TryGetValue(name, out var endpoint)) continue;
            if (endpoint.Host.VariableName is { } host) wired[host] = server.Host;
            if (endpoint.Port.VariableName is { } port) wired[port] = server.Port;
            if (server.AdminPassword is null) continue;
            if (endpoint.AdminUser?.VariableName is { } user && server.AdminUser is { } admin) wired[user] = ReferenceExpression.Create($"{admin}");
            if (endpoint.AdminPassword?.VariableName is { } password) wired[password] = ReferenceExpression.Create($"{server.AdminPassword}");
        }
        foreach (var database in estate.Databases.Select(d => d.Resource))
        {
            wired[database.Spec.UserSecretName] = ReferenceExpression.Create($"{database.Spec.User}");
            wired[database.Spec.PasswordSecretName] = ReferenceExpression.Create($"{database.Password}");
        }
        return wired;
    }

    /// <summary>The parameter of one catalogue variable (shared by every project, and with a resource that declared it first).</summary>
    private static IResourceBuilder<ParameterResource> Parameter(IDistributedApplicationBuilder builder, CatalogueSecret secret)
    {
        var name = secret.Name.ToLowerInvariant().Replace('_', '-');
        if (builder.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == name) is { } existing)
            return builder.CreateResourceBuilder(existing);
        return secret.DefaultValue is { } value && !secret.IsSensitive
            ? builder.AddParameter(name, value, publishValueAsDefault: true)
            : builder.AddParameter(name, secret: secret.IsSensitive);
    }
}
