using System.Globalization;
using Rollout.AppHost.Publishing.HostConfig;
using Rollout.AppHost.Publishing.Secrets;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Manifest;

/// <summary>
/// The resources of aspire-manifest.json for one environment, in Aspire's order: the servers
/// (container.v0), the databases (value.v0 connection strings with the database's own service user),
/// the Provisioner and SmokeRunner (project.v0, env wired by reference), then the parameters they
/// reference (parameter.v0; passwords secret and generated where the plan generates them).
/// </summary>
/// <remarks>
/// Parameter names are the catalogue's variable names in Aspire's spelling (MO_CRM_DB_PASS →
/// mo-crm-db-pass), so Aspire's compose publisher and azd map them back to exactly the plan's names.
/// </remarks>
public sealed class ManifestBuilder
{
    /// <summary>The plan generates passwords with `openssl rand -base64 32` (44 characters); never generate fewer.</summary>
    public const int GeneratedPasswordLength = 32;

    private readonly PublishTarget _target;
    private readonly string _projectRoot;
    private readonly string _outputDirectory;
    private readonly List<ParameterManifestResource> _parameters = [];

    public ManifestBuilder(PublishTarget target, string projectRoot, string outputDirectory)
    {
        _target = target;
        _projectRoot = projectRoot;
        _outputDirectory = outputDirectory;
    }

    /// <summary>Aspire resource names allow letters, digits and hyphens: mo_crm → mo-crm, MO_CRM_DB_PASS → mo-crm-db-pass.</summary>
    public static string ResourceName(string name) => name.ToLowerInvariant().Replace('_', '-');

    public IReadOnlyList<ManifestResource> Build()
    {
        var resources = new List<ManifestResource>();
        foreach (var server in _target.Servers.Where(s => !s.Existing))
            resources.Add(Container(server));
        foreach (var database in _target.Databases)
            resources.Add(new ValueManifestResource(ResourceName(database.Name), DatabaseConnectionString(database)));
        resources.Add(Project("provisioner", "Provisioner/Rollout.Provisioner.csproj", ["apply", "--env", _target.Name]));
        resources.Add(Project("smokerunner", "SmokeRunner/Rollout.SmokeRunner.csproj", ["--env", _target.Name, "--junit", $"smoke-{_target.Name}.xml"]));
        resources.AddRange(_parameters);
        return resources;
    }

    private ContainerManifestResource Container(ServerSpec server)
    {
        var image = ContainerImage.For(server.Engine);
        var tls = TlsMaterial.DefaultFor(server.Engine);
        var endpoint = _target.Environment.Servers.GetValueOrDefault(server.Name);
        var host = $"{{{server.Name}.bindings.tcp.host}}";
        var port = $"{{{server.Name}.bindings.tcp.port}}";
        var env = new List<KeyValuePair<string, string>>();
        var args = new List<string>();
        var mounts = new List<ManifestBindMount>();
        string connectionString;
        string? entrypoint = null;
        switch (server.Engine)
        {
            case Engine.MariaDb:
                var rootPassword = SettingReference(endpoint?.AdminPassword, secret: true, generate: true);
                env.Add(new("MARIADB_ROOT_PASSWORD", rootPassword));
                args.AddRange(MariaDbServerConfig.Flags(_target, tls));
                mounts.Add(new ManifestBindMount($"tls/{server.Name}", tls.Directory, ReadOnly: true));
                connectionString = $"Server={host};Port={port};User ID=root;Password={rootPassword};SslMode=Required";
                break;
            case Engine.PostgreSql:
                var user = endpoint?.AdminUser is { } adminUser ? SettingReference(adminUser, secret: false, generate: false) : "postgres";
                var password = SettingReference(endpoint?.AdminPassword, secret: true, generate: true);
                env.Add(new("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256"));
                env.Add(new("POSTGRES_INITDB_ARGS", "--auth-host=scram-sha-256 --auth-local=scram-sha-256"));
                env.Add(new("POSTGRES_USER", user));
                env.Add(new("POSTGRES_PASSWORD", password));
                foreach (var (name, value) in PostgreSqlServerConfig.Settings(_target, tls).Append(("hba_file", "/etc/postgresql/rollout/pg_hba.conf")))
                    args.AddRange(["-c", $"{name}={value}"]);
                mounts.Add(new ManifestBindMount($"tls/{server.Name}", tls.Directory, ReadOnly: true));
                mounts.Add(new ManifestBindMount(Compose.ComposeWriter.ContainerHbaPath(server), "/etc/postgresql/rollout/pg_hba.conf", ReadOnly: true));
                connectionString = $"Host={host};Port={port};Username={user};Password={password};SSL Mode=Require";
                break;
            default:
                var redisPassword = Parameter(Compose.ComposeWriter.RedisPasswordVariable, secret: true, new ParameterDefault(GeneratedPasswordLength, null));
                entrypoint = "/bin/sh";
                args.AddRange(["-c", "redis-server --requirepass $REDIS_PASSWORD"]);
                env.Add(new("REDIS_PASSWORD", redisPassword));
                connectionString = $"{host}:{port},password={redisPassword}";
                break;
        }
        return new ContainerManifestResource(server.Name, image.Image, connectionString, entrypoint, args, mounts,
            [new ManifestVolume(ContainerImage.VolumeName(server), image.DataDirectory, ReadOnly: false)], env,
            [new ManifestBinding("tcp", "tcp", "tcp", "tcp", image.TargetPort)]);
    }

    /// <summary>Our improvement over Aspire: each database's connection string logs in as its own service user, over TLS.</summary>
    public string DatabaseConnectionString(DatabaseSpec database)
    {
        var server = _target.Estate.Server(database.ServerName);
        var (host, port) = Endpoint(server);
        var password = Parameter(database.PasswordSecretName, secret: true,
            server.Existing ? null : new ParameterDefault(GeneratedPasswordLength, null));
        return server.Engine == Engine.PostgreSql
            ? $"Host={host};Port={port};Username={database.User};Password={password};Database={database.Name};SSL Mode=Require"
            : $"Server={host};Port={port};User ID={database.User};Password={password};Database={database.Name};SslMode=Required";
    }

    private (string Host, string Port) Endpoint(ServerSpec server)
    {
        if (!server.Existing) return ($"{{{server.Name}.bindings.tcp.host}}", $"{{{server.Name}.bindings.tcp.port}}");
        var endpoint = _target.Environment.Servers.GetValueOrDefault(server.Name);
        return (SettingReference(endpoint?.Host, secret: false, generate: false) is { Length: > 0 } h ? h : "localhost",
            endpoint is null ? server.DefaultPort.ToString(CultureInfo.InvariantCulture) : SettingReference(endpoint.Port, secret: false, generate: false));
    }

    private ProjectManifestResource Project(string name, string projectPath, string[] args)
    {
        var env = new List<KeyValuePair<string, string>>
        {
            new("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES", "true"),
            new("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES", "true"),
            new("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory"),
        };
        env.AddRange(CatalogueEnvironment());
        foreach (var database in _target.Databases)
            env.Add(new($"ConnectionStrings__{ResourceName(database.Name)}", $"{{{ResourceName(database.Name)}.connectionString}}"));
        var path = Path.GetRelativePath(_outputDirectory, Path.Combine(_projectRoot, projectPath)).Replace('\\', '/');
        return new ProjectManifestResource(name, path, args, env);
    }

    /// <summary>The variables the Provisioner/SmokeRunner bind from, each wired to the resource or parameter it names.</summary>
    private IEnumerable<KeyValuePair<string, string>> CatalogueEnvironment()
    {
        var wired = new Dictionary<string, string>();
        foreach (var server in _target.Servers)
        {
            if (!_target.Environment.Servers.TryGetValue(server.Name, out var endpoint)) continue;
            var (host, port) = Endpoint(server);
            if (endpoint.Host.VariableName is { } h) wired[h] = host;
            if (endpoint.Port.VariableName is { } p) wired[p] = port;
            if (server.Engine == Engine.MariaDb && !server.Existing && endpoint.AdminUser?.VariableName is { } u) wired[u] = "root";
        }
        var deploy = _target.Environment.Deploy;
        var skip = deploy is null ? [] : new[] { deploy.SshHost, deploy.SshPort, deploy.SshUser, deploy.SshTargetDir }
            .Select(s => s.VariableName).OfType<string>().Append(SecretCatalogue.SshPrivateKey).ToHashSet();
        foreach (var secret in SecretCatalogue.For(_target.Estate, _target.Environment).Secrets)
        {
            if (skip.Contains(secret.Name)) continue;
            if (wired.TryGetValue(secret.Name, out var expression)) yield return new(secret.Name, expression);
            else if (secret.Kind == SecretKind.DatabaseUser) yield return new(secret.Name, secret.DefaultValue!);
            else if (secret.Kind == SecretKind.DatabasePassword)
                yield return new(secret.Name, Parameter(secret.Name, secret: true, null));
            else
                yield return new(secret.Name, Parameter(secret.Name, secret.IsSensitive,
                    secret.DefaultValue is null ? null : new ParameterDefault(null, secret.DefaultValue)));
        }
    }

    /// <summary>A setting as a manifest expression: a parameter reference for <c>${NAME}</c>, the literal otherwise.</summary>
    private string SettingReference(Setting? setting, bool secret, bool generate)
    {
        if (setting?.VariableName is not { } name) return setting?.Raw ?? "";
        var fallback = generate ? new ParameterDefault(GeneratedPasswordLength, null)
            : setting.DefaultValue is { } value ? new ParameterDefault(null, value) : null;
        return Parameter(name, secret, fallback);
    }

    /// <summary>Declares (once, at first use) and references the parameter for a catalogue variable.</summary>
    private string Parameter(string variableName, bool secret, ParameterDefault? fallback)
    {
        var name = ResourceName(variableName);
        var existing = _parameters.FindIndex(p => p.Name == name);
        if (existing < 0) _parameters.Add(new ParameterManifestResource(name, secret, fallback));
        else if (fallback is not null && _parameters[existing].Default is null)
            _parameters[existing] = _parameters[existing] with { Default = fallback };
        return $"{{{name}.value}}";
    }
}
