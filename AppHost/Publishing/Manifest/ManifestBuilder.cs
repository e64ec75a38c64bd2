using Rollout.AppHost.Model;
using ProjectResource = Rollout.AppHost.Model.ProjectResource;
using ReferenceExpression = Rollout.AppHost.Model.ReferenceExpression;
using ParameterResource = Rollout.AppHost.Model.ParameterResource;
using EndpointReference = Rollout.AppHost.Model.EndpointReference;
using IResource = Rollout.AppHost.Model.IResource;
using IResourceWithConnectionString = Rollout.AppHost.Model.IResourceWithConnectionString;
using Rollout.AppHost.Publishing.HostConfig;
using Rollout.AppHost.Publishing.Secrets;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Manifest;

/// <summary>
/// Renders the AppHost's <see cref="ApplicationModel"/> as aspire-manifest.json resources: servers as
/// container.v0, databases as value.v0 (the model's connection string with the database's own service
/// user), projects as project.v0 with env wired by reference, then the model's password parameters and
/// the parameters for the environment's other settings (parameter.v0).
/// </summary>
/// <remarks>
/// The existing (Plesk) server is not deployed, so it has no bindings in the manifest: references to
/// its endpoint become parameters for the environment's host/port settings (PLESK_MYSQL_HOST → plesk-mysql-host).
/// </remarks>
public sealed class ManifestBuilder(PublishTarget target, ApplicationModel model, string projectRoot, string outputDirectory)
{
    /// <summary>The admin account of the MariaDB image (MARIADB_ROOT_PASSWORD); PostgreSQL's image takes the model's admin name.</summary>
    public const string MariaDbContainerAdmin = "root";

    private readonly List<ParameterManifestResource> _settingParameters = [];
    private Dictionary<string, string>? _existingEndpoints;

    /// <summary>Aspire's spelling of a variable as a parameter name: PLESK_MYSQL_HOST → plesk-mysql-host.</summary>
    public static string ParameterName(string variable) => variable.ToLowerInvariant().Replace('_', '-');

    public IReadOnlyList<ManifestResource> Build()
    {
        _existingEndpoints = ExistingEndpoints();
        var resources = new List<ManifestResource>();
        foreach (var resource in model.Resources)
        {
            switch (resource)
            {
                case ServerResource { Spec.Existing: true }:
                    break;
                case ServerResource server:
                    resources.Add(Container(server));
                    break;
                case DatabaseResource database:
                    resources.Add(new ValueManifestResource(database.Name, Render(database.ConnectionStringExpression)));
                    break;
                case ProjectResource project:
                    resources.Add(Project(project));
                    break;
            }
        }
        var existingPasswords = model.Databases.Where(d => d.Parent.Spec.Existing).Select(d => d.Password).ToHashSet();
        foreach (var parameter in model.Parameters)
            resources.Add(new ParameterManifestResource(parameter.Name, parameter.IsSecret,
                // The plan generates the passwords of new users; the Plesk ones exist and must be supplied.
                existingPasswords.Contains(parameter) ? null : new ParameterDefault(parameter.GenerateMinLength, null)));
        resources.AddRange(_settingParameters);
        return resources;
    }

    private string Render(ReferenceExpression expression)
    {
        var text = expression.ValueExpression;
        foreach (var (reference, parameter) in _existingEndpoints!)
            text = text.Replace(reference, parameter, StringComparison.Ordinal);
        return text;
    }

    private Dictionary<string, string> ExistingEndpoints()
    {
        var map = new Dictionary<string, string>();
        foreach (var server in model.Servers.Where(s => s.Spec.Existing))
        {
            var endpoint = target.Environment.Servers.GetValueOrDefault(server.Name);
            map[server.Endpoint.Host.ValueExpression] = endpoint is null ? "localhost" : SettingReference(endpoint.Host);
            map[server.Endpoint.Port.ValueExpression] = endpoint is null ? server.TargetPort.ToString(System.Globalization.CultureInfo.InvariantCulture) : SettingReference(endpoint.Port);
        }
        return map;
    }

    private ContainerManifestResource Container(ServerResource server)
    {
        var tls = TlsMaterial.DefaultFor(server.Engine);
        var env = new List<KeyValuePair<string, string>>();
        var args = new List<string>();
        var mounts = new List<ManifestBindMount> { new($"tls/{server.Name}", tls.Directory, ReadOnly: true) };
        string? entrypoint = null;
        var connectionString = Render(server.ConnectionStringExpression);
        switch (server.Engine)
        {
            case Engine.MariaDb:
                env.Add(new("MARIADB_ROOT_PASSWORD", server.AdminPassword!.ValueExpression));
                args.AddRange(MariaDbServerConfig.Flags(target, tls));
                connectionString = Render(ReferenceExpression.Create(
                    $"Server={server.Endpoint.Host};Port={server.Endpoint.Port};User ID={MariaDbContainerAdmin};Password={server.AdminPassword};SslMode=Required"));
                break;
            case Engine.PostgreSql:
                env.Add(new("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256"));
                env.Add(new("POSTGRES_INITDB_ARGS", "--auth-host=scram-sha-256 --auth-local=scram-sha-256"));
                env.Add(new("POSTGRES_USER", server.AdminUser!));
                env.Add(new("POSTGRES_PASSWORD", server.AdminPassword!.ValueExpression));
                foreach (var (name, value) in PostgreSqlServerConfig.Settings(target, tls).Append(("hba_file", PostgreSqlServerConfig.ContainerHbaTarget)))
                    args.AddRange(["-c", $"{name}={value}"]);
                mounts.Add(new ManifestBindMount(Compose.ComposeWriter.ContainerHbaPath(server.Spec), PostgreSqlServerConfig.ContainerHbaTarget, ReadOnly: true));
                break;
            default:
                entrypoint = "redis-server";
                args.AddRange(RedisServerConfig.Flags(target, tls, server.TargetPort));
                break;
        }
        return new ContainerManifestResource(server.Name, server.ImageReference, connectionString, entrypoint, args, mounts,
            [new ManifestVolume(ContainerImage.VolumeName(server.Spec), ContainerImage.DataDirectory(server.Engine), ReadOnly: false)], env,
            [new ManifestBinding(EndpointReference.Name, server.Endpoint.Scheme, "tcp", "tcp", server.TargetPort)]);
    }

    private ProjectManifestResource Project(ProjectResource project)
    {
        var env = new List<KeyValuePair<string, string>>
        {
            new("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES", "true"),
            new("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES", "true"),
            new("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory"),
        };
        env.AddRange(CatalogueEnvironment());
        const string connectionStrings = "ConnectionStrings__";
        // As Aspire writes it: the connection string by reference to its resource, the other parts rendered.
        env.AddRange(project.ReferenceEnvironment().Select(e => new KeyValuePair<string, string>(e.Key,
            e.Key.StartsWith(connectionStrings, StringComparison.Ordinal) ? $"{{{e.Key[connectionStrings.Length..]}.connectionString}}" : Render(e.Value))));
        env.AddRange(project.Environment.OrderBy(e => e.Key, StringComparer.Ordinal));
        var path = Path.GetRelativePath(outputDirectory, Path.Combine(projectRoot, project.ProjectPath)).Replace('\\', '/');
        return new ProjectManifestResource(project.Name, path, project.Args, env);
    }

    /// <summary>The variables the Provisioner/SmokeRunner bind from (the secret catalogue), each wired to the resource or parameter that holds it.</summary>
    private IEnumerable<KeyValuePair<string, string>> CatalogueEnvironment()
    {
        var wired = new Dictionary<string, string>();
        foreach (var server in model.Servers)
        {
            if (!target.Environment.Servers.TryGetValue(server.Name, out var endpoint)) continue;
            if (endpoint.Host.VariableName is { } host) wired[host] = Render(ReferenceExpression.Create($"{server.Endpoint.Host}"));
            if (endpoint.Port.VariableName is { } port) wired[port] = Render(ReferenceExpression.Create($"{server.Endpoint.Port}"));
            if (server.AdminPassword is null) continue;
            if (endpoint.AdminUser?.VariableName is { } user) wired[user] = server.Engine == Engine.MariaDb ? MariaDbContainerAdmin : server.AdminUser!;
            if (endpoint.AdminPassword?.VariableName is { } password) wired[password] = server.AdminPassword.ValueExpression;
        }
        foreach (var database in model.Databases)
        {
            wired[database.Spec.UserSecretName] = database.User;
            wired[database.Spec.PasswordSecretName] = database.Password.ValueExpression;
        }
        var deploy = target.Environment.Deploy;
        var skip = deploy is null ? [] : new[] { deploy.SshHost, deploy.SshPort, deploy.SshUser, deploy.SshTargetDir }
            .Select(s => s.VariableName).OfType<string>().Append(SecretCatalogue.SshPrivateKey).ToHashSet();
        var settings = SettingsByVariable();
        foreach (var secret in SecretCatalogue.For(target.Estate, target.Environment).Secrets)
        {
            if (skip.Contains(secret.Name)) continue;
            // A secret no resource holds (backup keys and account passwords, the monitoring passwords): a supplied parameter.
            yield return new(secret.Name, wired.TryGetValue(secret.Name, out var expression) ? expression
                : settings.TryGetValue(secret.Name, out var setting) ? SettingReference(setting) : SuppliedParameter(secret));
        }
    }

    /// <summary>
    /// A catalogue secret no resource holds (the backup dump account passwords, the repository keys): a parameter the
    /// deployment supplies, never generated, since a new repository key cannot open the existing backups.
    /// </summary>
    private string SuppliedParameter(CatalogueSecret secret)
    {
        var name = ParameterName(secret.Name);
        if (_settingParameters.All(p => p.Name != name))
            _settingParameters.Add(new ParameterManifestResource(name, secret.IsSensitive, secret.DefaultValue is { } value ? new ParameterDefault(null, value) : null));
        return $"{{{name}.value}}";
    }

    private Dictionary<string, Setting> SettingsByVariable()
    {
        var environment = target.Environment;
        var settings = new[] { environment.AppServerIp }.Concat(environment.AdminIps)
            .Concat(environment.Servers.Values.SelectMany(e => new[] { e.Host, e.Port, e.AdminUser, e.AdminPassword, e.CaFile }))
            .Concat([target.Estate.Backup.Repository, target.Estate.Backup.OffsiteRepository])
            .OfType<Setting>().Where(s => s.VariableName is not null);
        return settings.DistinctBy(s => s.VariableName).ToDictionary(s => s.VariableName!);
    }

    /// <summary>A setting as a manifest value: a parameter (declared once) for <c>${NAME}</c>, the literal otherwise.</summary>
    private string SettingReference(Setting setting)
    {
        if (setting.VariableName is not { } variable) return setting.Raw;
        var name = ParameterName(variable);
        if (_settingParameters.All(p => p.Name != name))
            _settingParameters.Add(new ParameterManifestResource(name, Secret: variable.EndsWith("_PASS", StringComparison.Ordinal),
                setting.DefaultValue is { } value ? new ParameterDefault(null, value) : null));
        return $"{{{name}.value}}";
    }
}
