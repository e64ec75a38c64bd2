using Aspire.Hosting.ApplicationModel;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// A MariaDB server in publish mode: a container.v0 in the shape of Aspire's MySqlServerResource (Aspire.Hosting.MySql
/// is not served here). Its connection string is the container admin's, as Aspire's own; the databases below it use
/// their service users.
/// </summary>
public sealed class MariaDbContainerResource(string name, ParameterResource rootPassword) : ContainerResource(name), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const int TargetPort = 3306;
    public const string Image = "library/mariadb";
    public const string Tag = "10.11";
    public const string Registry = "docker.io";

    /// <summary>The image's administrator (MARIADB_ROOT_PASSWORD sets its password).</summary>
    public const string AdminUser = "root";

    private EndpointReference? _endpoint;

    public ParameterResource RootPassword { get; } = rootPassword;

    public EndpointReference PrimaryEndpoint => _endpoint ??= new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Server={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};User ID=root;Password={RootPassword};SslMode=Required");
}
