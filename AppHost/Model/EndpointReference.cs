using System.Globalization;

namespace Rollout.AppHost.Model;

public enum EndpointProperty { Host, Port, Url }

/// <summary>
/// The "tcp" endpoint of a resource (Aspire's EndpointReference). The local runtime allocates it
/// (host and port from rollout.yaml or a port override); publish renders it as
/// {name.bindings.tcp.host|port|url}.
/// </summary>
public sealed class EndpointReference(IResource owner, int targetPort, string scheme = "tcp")
{
    public const string Name = "tcp";

    public IResource Owner { get; } = owner;

    /// <summary>The port inside a container (the engine's standard port) for publish.</summary>
    public int TargetPort { get; } = targetPort;

    public string Scheme { get; } = scheme;

    public string? AllocatedHost { get; private set; }

    public int? AllocatedPort { get; private set; }

    public bool IsAllocated => AllocatedHost is not null && AllocatedPort is not null;

    public void Allocate(string host, int port)
    {
        AllocatedHost = host;
        AllocatedPort = port;
    }

    public EndpointReferenceExpression Host => Property(EndpointProperty.Host);

    public EndpointReferenceExpression Port => Property(EndpointProperty.Port);

    public EndpointReferenceExpression Url => Property(EndpointProperty.Url);

    public EndpointReferenceExpression Property(EndpointProperty property) => new(this, property);
}

/// <summary>One property of an endpoint inside a <see cref="ReferenceExpression"/>.</summary>
public sealed class EndpointReferenceExpression(EndpointReference endpoint, EndpointProperty property)
    : IValueProvider, IManifestExpressionProvider
{
    public EndpointReference Endpoint { get; } = endpoint;

    public EndpointProperty Property { get; } = property;

    public string ValueExpression =>
        $"{{{Endpoint.Owner.Name}.bindings.{EndpointReference.Name}.{Property.ToString().ToLowerInvariant()}}}";

    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken)
    {
        if (!Endpoint.IsAllocated)
            throw new InvalidOperationException($"The endpoint of '{Endpoint.Owner.Name}' is not allocated yet: it has no host and port before the resource starts.");
        var port = Endpoint.AllocatedPort!.Value.ToString(CultureInfo.InvariantCulture);
        return ValueTask.FromResult<string?>(Property switch
        {
            EndpointProperty.Host => Endpoint.AllocatedHost,
            EndpointProperty.Port => port,
            _ => $"{Endpoint.Scheme}://{Endpoint.AllocatedHost}:{port}",
        });
    }
}
