using System.Globalization;
using Rollout.AppHost.Model;
using ProjectResource = Rollout.AppHost.Model.ProjectResource;
using ReferenceExpression = Rollout.AppHost.Model.ReferenceExpression;
using ParameterResource = Rollout.AppHost.Model.ParameterResource;
using EndpointReference = Rollout.AppHost.Model.EndpointReference;
using IResource = Rollout.AppHost.Model.IResource;
using IResourceWithConnectionString = Rollout.AppHost.Model.IResourceWithConnectionString;
using Rollout.AppHost.Publishing.HostConfig;
using Rollout.AppHost.Publishing.Manifest;
using Rollout.AppHost.Publishing.Secrets;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Compose;

/// <summary>
/// docker-compose.yaml for a container deployment of the environment: one service per new server
/// (named volume, TLS material and the generated server config mounted, health check), then the
/// Provisioner and the SmokeRunner as one-shot services that wait for healthy servers and for each
/// other. Secrets are never written: every one is a <c>${NAME}</c> read from .env.
/// </summary>
public static class ComposeWriter
{
    public const string FileName = "docker-compose.yaml";
    public const string EnvFileName = ".env";

    public static IReadOnlyList<GeneratedFile> Render(PublishTarget target, ApplicationModel model)
    {
        var variables = new ComposeVariables();
        var resources = model.Servers.Where(s => !s.Spec.Existing).ToList();
        var containers = resources.Select(s => s.Spec).ToList();
        var extra = new List<GeneratedFile>();
        var yaml = new TextBuilder()
            .Line("# " + GeneratedFile.GeneratedBy)
            .Line($"# Container deployment of environment '{target.Name}'. Fill .env first, then: docker-compose up -d")
            .Line("# The Provisioner and SmokeRunner run once each: provisioner after the servers are healthy, smokerunner after it succeeded.")
            .Line("services:");

        foreach (var resource in resources)
        {
            var server = resource.Spec;
            var tls = TlsMaterial.DefaultFor(server.Engine);
            var endpoint = target.Environment.Servers.GetValueOrDefault(server.Name);
            yaml.Line($"  {server.Name}:")
                .Line($"    image: {resource.ImageReference}")
                .Line("    restart: unless-stopped");
            switch (server.Engine)
            {
                case Engine.MariaDb:
                    yaml.Line("    environment:")
                        .Line($"      MARIADB_ROOT_PASSWORD: {Q(AdminPassword(variables, endpoint, server))}");
                    break;
                case Engine.PostgreSql:
                    extra.Add(new GeneratedFile(ContainerHbaPath(server), PostgreSqlServerConfig.RenderContainerHba(target, server, resource.AdminUser!)));
                    yaml.Line("    environment:")
                        .Line($"      POSTGRES_USER: {Q(resource.AdminUser!)}")
                        .Line($"      POSTGRES_PASSWORD: {Q(AdminPassword(variables, endpoint, server))}")
                        .Line("      POSTGRES_INITDB_ARGS: \"--auth-host=scram-sha-256 --auth-local=scram-sha-256\"")
                        .Line("    command:")
                        .Line("      - postgres");
                    foreach (var (name, value) in PostgreSqlServerConfig.Settings(target, tls).Append(("hba_file", PostgreSqlServerConfig.ContainerHbaTarget)))
                        yaml.Line("      - -c").Line($"      - {Q($"{name}={value}")}");
                    break;
                default:
                    yaml.Line("    entrypoint: [\"redis-server\"]")
                        .Line($"    command: [{string.Join(", ", RedisServerConfig.Flags(target, tls, resource.TargetPort).Select(Q))}]");
                    break;
            }
            var port = endpoint is null ? server.DefaultPort.ToString(CultureInfo.InvariantCulture) : variables.Of(endpoint.Port, $"published port of {server.Name}");
            yaml.Line("    ports:")
                .Line($"      - {Q($"{port}:{resource.TargetPort}")}")
                .Line("    volumes:")
                .Line($"      - {ContainerImage.VolumeName(server)}:{ContainerImage.DataDirectory(server.Engine)}");
            if (server.Engine == Engine.MariaDb)
                yaml.Line($"      - ./{HostConfigWriter.Directory(server)}/{MariaDbServerConfig.FileName}:/etc/mysql/conf.d/{MariaDbServerConfig.FileName}:ro");
            if (server.Engine == Engine.PostgreSql)
                yaml.Line($"      - ./{ContainerHbaPath(server)}:{PostgreSqlServerConfig.ContainerHbaTarget}:ro");
            yaml.Line($"      - ./tls/{server.Name}:{tls.Directory}:ro");
            yaml.Line("    healthcheck:")
                .Line($"      test: {HealthCheck(server.Engine, tls, resource.TargetPort)}")
                .Line("      interval: 5s")
                .Line("      timeout: 5s")
                .Line("      retries: 30")
                .Line("      start_period: 30s");
        }

        AppendOneShot(yaml, variables, target, resources, "provisioner", "ROLLOUT_PROVISIONER_IMAGE", "Provisioner",
            ProjectCommands.Provision(target.Name), [.. containers.Select(c => (c.Name, "service_healthy"))], reports: false);
        AppendOneShot(yaml, variables, target, resources, "smokerunner", "ROLLOUT_SMOKERUNNER_IMAGE", "SmokeRunner",
            ProjectCommands.Smoke(target.Name, "/reports/" + ProjectCommands.JunitFile(target.Name)),
            [("provisioner", "service_completed_successfully"), .. containers.Select(c => (c.Name, "service_healthy"))], reports: true);

        yaml.Line("volumes:");
        foreach (var server in containers)
            yaml.Line($"  {ContainerImage.VolumeName(server)}: {{}}");

        return [new GeneratedFile(FileName, yaml.ToString()), new GeneratedFile(EnvFileName, EnvTemplate(target, variables)), .. extra];
    }

    public static string ContainerHbaPath(ServerSpec server) => $"compose/{server.Name}.pg_hba.conf";

    private static string AdminPassword(ComposeVariables variables, ServerEndpointSpec? endpoint, ServerSpec server) =>
        endpoint?.AdminPassword is { } password ? variables.Of(password, $"admin password of {server.Name}", sensitive: true)
            : variables.Use(server.Name.ToUpperInvariant().Replace('-', '_') + "_ADMIN_PASS", $"admin password of {server.Name}", null, sensitive: true);

    private static string HealthCheck(Engine engine, TlsMaterial tls, int port) => engine switch
    {
        Engine.MariaDb => "[\"CMD\", \"healthcheck.sh\", \"--connect\", \"--innodb_initialized\"]",
        Engine.PostgreSql => "[\"CMD\", \"pg_isready\", \"-h\", \"/var/run/postgresql\", \"-d\", \"postgres\"]",
        _ => $"[\"CMD-SHELL\", \"redis-cli --tls --cacert {tls.CaPath} -p {port} ping | grep -q PONG\"]",
    };

    private static void AppendOneShot(TextBuilder yaml, ComposeVariables variables, PublishTarget target, IReadOnlyList<ServerResource> resources,
        string service, string imageVariable, string project, string[] args, (string Service, string Condition)[] dependsOn, bool reports)
    {
        yaml.Line($"  {service}:")
            .Line($"    image: {Q(variables.Use(imageVariable, $"container image of the {project} (dotnet publish {project} -t:PublishContainer)", null, sensitive: false))}")
            .Line($"    command: [{string.Join(", ", args.Select(Q))}]")
            .Line("    restart: \"no\"")
            .Line("    environment:");
        var containers = resources.Select(r => r.Spec).ToList();
        foreach (var (name, value) in ServiceEnvironment(variables, target, resources))
            yaml.Line($"      {name}: {Q(value)}");
        yaml.Line("    volumes:");
        foreach (var server in containers)
            yaml.Line($"      - ./tls/{server.Name}:/etc/rollout/tls/{server.Name}:ro");
        if (reports) yaml.Line("      - ./reports:/reports");
        yaml.Line("    depends_on:");
        foreach (var (dependency, condition) in dependsOn)
            yaml.Line($"      {dependency}:").Line($"        condition: {condition}");
    }

    /// <summary>
    /// The variables the Provisioner/SmokeRunner bind from (the catalogue), with the containerised
    /// servers' endpoints pointing at their compose services.
    /// </summary>
    private static IEnumerable<(string Name, string Value)> ServiceEnvironment(ComposeVariables variables, PublishTarget target, IReadOnlyList<ServerResource> containers)
    {
        var overrides = new Dictionary<string, string>();
        foreach (var resource in containers)
        {
            var server = resource.Spec;
            if (!target.Environment.Servers.TryGetValue(server.Name, out var endpoint)) continue;
            var tls = TlsMaterial.DefaultFor(server.Engine);
            if (endpoint.Host.VariableName is { } host) overrides[host] = server.Name;
            if (endpoint.Port.VariableName is { } port) overrides[port] = resource.TargetPort.ToString(CultureInfo.InvariantCulture);
            if (endpoint.AdminUser?.VariableName is { } user && resource.AdminUser is not null)
                overrides[user] = server.Engine == Engine.MariaDb ? Hosting.MariaDbContainerResource.AdminUser : resource.AdminUser;
            if (endpoint.CaFile?.VariableName is { } ca) overrides[ca] = $"/etc/rollout/tls/{server.Name}/{tls.CaFile}";
        }
        var deploy = target.Environment.Deploy;
        var deployVariables = deploy is null ? [] : new[] { deploy.SshHost, deploy.SshPort, deploy.SshUser, deploy.SshTargetDir }
            .Select(s => s.VariableName).OfType<string>().Append(SecretCatalogue.SshPrivateKey).ToHashSet();
        foreach (var secret in SecretCatalogue.For(target.Estate, target.Environment).Secrets)
        {
            if (deployVariables.Contains(secret.Name)) continue;
            yield return overrides.TryGetValue(secret.Name, out var fixedValue)
                ? (secret.Name, fixedValue)
                : (secret.Name, variables.Use(secret.Name, $"{secret.Origin}", secret.DefaultValue, secret.IsSensitive));
        }
    }

    private static string EnvTemplate(PublishTarget target, ComposeVariables variables)
    {
        var text = new TextBuilder()
            .Line("# " + GeneratedFile.GeneratedBy)
            .Line($"# Variables of docker-compose.yaml (environment '{target.Name}'). Fill in the values here, keep this file out of git (mode 0600).")
            .Line("# Required variables must be set; optional ones fall back to the default shown. No value is ever written by publish.");
        foreach (var variable in variables.All)
        {
            text.Line()
                .Line($"# {variable.Description}")
                .Line("# " + (variable.Required ? "Required." : $"Optional, default: {(variable.DefaultValue is "" ? "(empty)" : variable.DefaultValue)}.") + (variable.Sensitive ? " Secret." : ""))
                .Line($"{variable.Name}=");
        }
        return text.ToString();
    }

    /// <summary>A YAML double-quoted scalar.</summary>
    public static string Q(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
