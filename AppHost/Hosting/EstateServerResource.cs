using Aspire.Hosting.ApplicationModel;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// A server of the estate in run mode: a real server process (mariadbd, postgres, redis-server) that Aspire's
/// orchestrator starts as an executable, on a fixed loopback port that is not proxied (host-based rules see the real
/// client address). Its connection string names the endpoint only: the admin account never leaves the AppHost, and
/// the databases below it carry their own service users.
/// </summary>
public sealed class EstateServerResource(string name, ServerSpec spec, string host, string workingDirectory)
    : ExecutableResource(name, Local.LocalServer.Shell, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    public ServerSpec Spec { get; } = spec;

    /// <summary>The loopback address the server binds (rollout.yaml's local host), used literally: "localhost" could resolve to ::1, which no rule admits.</summary>
    public string Host { get; } = host;

    public EndpointReference PrimaryEndpoint => _endpoint ??= new(this, EndpointName);

    public ReferenceExpression PortExpression => ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Port)}");

    public ReferenceExpression ConnectionStringExpression => Spec.Engine switch
    {
        Engine.MariaDb => ReferenceExpression.Create($"Server={Host};Port={PortExpression};SslMode=Required"),
        Engine.PostgreSql => ReferenceExpression.Create($"Host={Host};Port={PortExpression};SSL Mode=Require"),
        _ => ReferenceExpression.Create($"{Host}:{PortExpression},ssl=true"),
    };
}
