using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// The estate in publish mode (Aspire's manifest): managed servers as containers — PostgreSQL and Redis through
/// Aspire's own AddPostgres/AddRedis, MariaDB as <see cref="MariaDbContainerResource"/> — the existing (Plesk) server
/// as host and port parameters, each database a value.v0 with its service user, passwords as secret parameters.
/// </summary>
public static class PublishedEstateExtensions
{
    public static EstateResources AddPublishedEstate(this IDistributedApplicationBuilder builder, Estate estate, string estatePath, string environmentName)
    {
        var environment = estate.Environment(environmentName);
        var servers = new List<IResourceBuilder<IResourceWithConnectionString>>();
        var databases = new List<IResourceBuilder<EstateDatabaseResource>>();
        var published = new Dictionary<string, PublishedServer>();
        foreach (var spec in estate.EnabledServers(environment))
        {
            var (parent, host, port, admin) = AddServer(builder, spec, servers);
            published[spec.Name] = admin;
            foreach (var database in estate.EnabledDatabases(environment).Where(d => d.ServerName == spec.Name))
            {
                // The plan generates new users' passwords; the existing server's users exist, their passwords must be supplied.
                var password = spec.Existing
                    ? builder.AddParameter(EstateDatabaseResource.PasswordParameterName(database), secret: true).Resource
                    : builder.AddResource(ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder,
                        EstateDatabaseResource.PasswordParameterName(database))).Resource;
                databases.Add(builder.AddResource(new EstateDatabaseResource(EstateDatabaseResource.ResourceName(database.Name), database, spec.Engine,
                    parent, host, port, password)));
            }
        }
        return new EstateResources(null, estatePath, servers, databases) { Published = new PublishedTarget(estate, environment, published) };
    }

    private static (IResourceWithConnectionString Parent, ReferenceExpression Host, ReferenceExpression Port, PublishedServer Published) AddServer(
        IDistributedApplicationBuilder builder, ServerSpec spec, List<IResourceBuilder<IResourceWithConnectionString>> servers)
    {
        if (spec.Existing)
        {
            // Not ours to run: its address is an input of the deployment.
            var host = builder.AddParameter($"{spec.Name}-host");
            var port = builder.AddParameter($"{spec.Name}-port");
            var existing = builder.AddConnectionString(spec.Name,
                ReferenceExpression.Create($"Server={host.Resource};Port={port.Resource};SslMode=Required"));
            ReferenceExpression hostExpression = ReferenceExpression.Create($"{host.Resource}"), portExpression = ReferenceExpression.Create($"{port.Resource}");
            return (existing.Resource, hostExpression, portExpression, new PublishedServer(hostExpression, portExpression, null, null));
        }
        switch (spec.Engine)
        {
            case Engine.MariaDb:
                {
                    var password = builder.AddResource(ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{spec.Name}-password"));
                    var server = builder.AddResource(new MariaDbContainerResource(spec.Name, password.Resource))
                        .WithImage(MariaDbContainerResource.Image, MariaDbContainerResource.Tag)
                        .WithImageRegistry(MariaDbContainerResource.Registry)
                        .WithEndpoint(targetPort: MariaDbContainerResource.TargetPort, scheme: "tcp", name: MariaDbContainerResource.EndpointName)
                        .WithEnvironment("MARIADB_ROOT_PASSWORD", password)
                        .WithVolume($"{spec.Name}-data", "/var/lib/mysql");
                    servers.Add(server);
                    return Address(server.Resource, server.Resource.PrimaryEndpoint, MariaDbContainerResource.AdminUser, password.Resource);
                }
            case Engine.PostgreSql:
                {
                    var server = builder.AddPostgres(spec.Name).WithImageTag("15").WithDataVolume($"{spec.Name}-data");
                    servers.Add(server);
                    return Address(server.Resource, server.Resource.PrimaryEndpoint, "postgres", server.Resource.PasswordParameter);
                }
            default:
                {
                    var server = builder.AddRedis(spec.Name).WithImageTag("7").WithDataVolume($"{spec.Name}-data");
                    servers.Add(server);
                    return Address(server.Resource, server.Resource.PrimaryEndpoint, null, null);
                }
        }
    }

    private static (IResourceWithConnectionString, ReferenceExpression, ReferenceExpression, PublishedServer) Address(IResourceWithConnectionString server,
        EndpointReference endpoint, string? adminUser, ParameterResource? adminPassword)
    {
        var host = ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.Host)}");
        var port = ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.Port)}");
        return (server, host, port, new PublishedServer(host, port, adminUser, adminPassword));
    }
}
