using Rollout.Topology.Model;

namespace Rollout.AppHost.Model;

/// <summary>
/// A server of the estate (Aspire's MySqlServerResource/PostgresServerResource/RedisResource).
/// Locally a real process; published as a container.v0 with <see cref="Image"/>. Servers that are
/// not <see cref="ServerSpec.Existing"/> have an admin account whose password is <see cref="AdminPassword"/>;
/// the existing (Plesk) one exposes no admin at all.
/// </summary>
public sealed class ServerResource : IResourceWithConnectionString, IResourceWithEndpoint
{
    private readonly List<DatabaseResource> _databases = [];

    public ServerResource(ServerSpec spec, ParameterResource? adminPassword)
    {
        Spec = spec;
        AdminPassword = adminPassword;
        Endpoint = new EndpointReference(this, spec.DefaultPort);
        (Image, ImageTag) = ContainerImageOf(spec.Engine);
    }

    public ServerSpec Spec { get; }

    public string Name => Spec.Name;

    public Engine Engine => Spec.Engine;

    public string Kind => Engine switch { Engine.MariaDb => "MariaDB", Engine.PostgreSql => "PostgreSQL", _ => "Redis" };

    /// <summary>Container image for publish, e.g. docker.io/library/mariadb (the version our local server has).</summary>
    public string Image { get; }

    public string ImageTag { get; }

    public string ImageReference => $"{Image}:{ImageTag}";

    public EndpointReference Endpoint { get; }

    /// <summary>The engine's standard port: the container's target port when published.</summary>
    public int TargetPort => Endpoint.TargetPort;

    /// <summary>The admin user (null for the existing server and Redis).</summary>
    public string? AdminUser => AdminPassword is null ? null : ServiceDefaults.Local.LocalSecretNames.AdminUser;

    public ParameterResource? AdminPassword { get; }

    public IReadOnlyList<DatabaseResource> Databases => _databases;

    internal void AddDatabase(DatabaseResource database) => _databases.Add(database);

    /// <summary>
    /// The server-level connection: the admin account where there is one (as Aspire's root/postgres
    /// string), host and port only for the existing server; TLS always required.
    /// </summary>
    public ReferenceExpression ConnectionStringExpression => Engine switch
    {
        Engine.Redis => ReferenceExpression.Create($"{Endpoint.Host}:{Endpoint.Port},ssl=true"),
        _ when AdminPassword is null => Engine == Engine.MariaDb
            ? ReferenceExpression.Create($"Server={Endpoint.Host};Port={Endpoint.Port};SslMode=Required")
            : ReferenceExpression.Create($"Host={Endpoint.Host};Port={Endpoint.Port};SSL Mode=Require"),
        Engine.MariaDb => ReferenceExpression.Create(
            $"Server={Endpoint.Host};Port={Endpoint.Port};User ID={AdminUser};Password={AdminPassword};SslMode=Required"),
        _ => ReferenceExpression.Create(
            $"Host={Endpoint.Host};Port={Endpoint.Port};Username={AdminUser};Password={AdminPassword};SSL Mode=Require"),
    };

    public static (string Image, string Tag) ContainerImageOf(Engine engine) => engine switch
    {
        Engine.MariaDb => ("docker.io/library/mariadb", "10.11"),
        Engine.PostgreSql => ("docker.io/library/postgres", "15"),
        _ => ("docker.io/library/redis", "7"),
    };
}
