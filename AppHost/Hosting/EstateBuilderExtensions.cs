using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Rollout.AppHost.Local;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// <c>builder.AddEstate(options)</c>: the estate of rollout.yaml as Aspire resources. Run mode: every server a real
/// server process (<see cref="EstateServerResource"/>, health = ready for a TLS login), prepared in BeforeStartEvent by
/// <see cref="EstateRuntime"/>; publish mode: containers (Aspire's AddPostgres/AddRedis, our MariaDB container).
/// Either way each database is a child resource whose connection string carries its service user and password parameter.
/// </summary>
public static class EstateBuilderExtensions
{
    public static EstateResources AddEstate(this IDistributedApplicationBuilder builder, EstateOptions options)
    {
        var estatePath = options.ResolveEstatePath();
        var estate = EstateLoader.LoadFile(estatePath);
        if (builder.ExecutionContext.IsPublishMode)
            return builder.AddPublishedEstate(estate, estatePath, options.EnvironmentName == "local" ? Publishing.PublishCommand.DefaultEnvironment : options.EnvironmentName);
        var environment = estate.Environment(options.EnvironmentName);
        if (environment.Kind != EnvironmentKind.Local)
            throw new ArgumentException($"Environment '{environment.Name}' is not local: the AppHost runs only local environments (use the Provisioner for {environment.Name}).");
        var runtime = new EstateRuntime(estate, environment, options, ResolveStateDirectory(options, estatePath));
        builder.Services.AddSingleton(_ => runtime);
        builder.Services.AddHostedService<ResourceSnapshotWriter>();
        builder.Services.AddHostedService<EstateProgressReporter>();
        builder.Services.AddSingleton<ServerLogFiles>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ServerLogFiles>());
        if (options.StopOnStartFailure)
        {
            builder.Services.AddSingleton<StartFailureStopper>();
            builder.Services.AddHostedService(services => services.GetRequiredService<StartFailureStopper>());
        }
        builder.Eventing.Subscribe<BeforeStartEvent>((_, cancellationToken) => runtime.PrepareAsync(cancellationToken));

        var servers = new List<IResourceBuilder<IResourceWithConnectionString>>();
        var databases = new List<IResourceBuilder<EstateDatabaseResource>>();
        foreach (var spec in estate.EnabledServers(environment))
        {
            var server = builder.AddEstateServer(runtime, spec);
            servers.Add(server);
            foreach (var database in estate.EnabledDatabases(environment).Where(d => d.ServerName == spec.Name))
            {
                var password = builder.AddParameter(EstateDatabaseResource.PasswordParameterName(database),
                    () => runtime.SecretValue(database.PasswordSecretName), secret: true);
                databases.Add(builder.AddResource(new EstateDatabaseResource(EstateDatabaseResource.ResourceName(database.Name), database, spec.Engine,
                    server.Resource, ReferenceExpression.Create($"{server.Resource.Host}"), server.Resource.PortExpression, password.Resource)));
            }
        }
        return new EstateResources(runtime, estatePath, servers, databases);
    }

    /// <summary>One server as an executable: /bin/sh execs the server (as its account when root) on a fixed, non-proxied port.</summary>
    public static IResourceBuilder<EstateServerResource> AddEstateServer(this IDistributedApplicationBuilder builder, EstateRuntime runtime, ServerSpec spec)
    {
        var (host, port) = runtime.Address(spec);
        var healthCheck = $"{spec.Name}-ready-for-tls-login";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheck, _ => new ServerReadyHealthCheck(runtime, spec.Name), null, null));
        return builder.AddResource(new EstateServerResource(spec.Name, spec, host, runtime.Layout.Root))
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: EstateServerResource.EndpointName, isProxied: false)
            .WithArgs(context =>
            {
                foreach (var argument in runtime.Server(spec.Name).LaunchArguments()) context.Args.Add(argument);
            })
            .WithHealthCheck(healthCheck);
    }

    /// <summary>
    /// The state directory: --state-dir / ROLLOUT_STATE_DIR, else .rollout next to the estate file — unless, as root,
    /// the server accounts cannot reach that (a checkout in /root): then a directory under /var/lib/rollout, said once.
    /// </summary>
    public static string ResolveStateDirectory(EstateOptions options, string estatePath)
    {
        var chosen = options.ResolveStateDirectory(estatePath);
        if (options.StateDirectory is not null || StateDirectoryAccess.Blocker(chosen) is not { } blocker) return chosen;
        var shared = StateDirectoryAccess.SharedFor(estatePath);
        Console.WriteLine($"State directory: {shared} (not {chosen}: {blocker} is closed to the server accounts mysql, postgres and redis; pass --state-dir to choose).");
        return shared;
    }
}
