namespace Rollout.AppHost.Model;

/// <summary>
/// A named part of the application model (Aspire's IResource): a server, a database, a parameter
/// or a project. Names are unique in the model; databases keep their rollout.yaml name (mo_crm).
/// </summary>
public interface IResource
{
    string Name { get; }

    /// <summary>What the resource is, as shown in the resource table and resources.json ("MariaDB", "Database", …).</summary>
    string Kind { get; }
}

/// <summary>A resource others can reference: its connection string is an expression, evaluated locally or rendered for publish.</summary>
public interface IResourceWithConnectionString : IResource
{
    ReferenceExpression ConnectionStringExpression { get; }
}

/// <summary>A resource that listens on an endpoint (Aspire's IResourceWithEndpoints; we have one endpoint, "tcp").</summary>
public interface IResourceWithEndpoint : IResource
{
    EndpointReference Endpoint { get; }
}

/// <summary>A resource that can wait for others before it starts (Aspire's WaitFor / WaitForCompletion).</summary>
public interface IResourceWithWaits : IResource
{
    IReadOnlyList<IResource> WaitsFor { get; }

    IReadOnlyList<IResource> WaitsForCompletion { get; }
}
