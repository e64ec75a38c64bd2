using Aspire.Hosting.ApplicationModel;

namespace Rollout.AppHost.Hosting;

/// <summary>What <see cref="EstateBuilderExtensions.AddEstate"/> added: the servers (to wait for) and the databases (to reference).</summary>
public sealed record EstateResources(
    EstateRuntime? Runtime,
    string EstatePath,
    IReadOnlyList<IResourceBuilder<IResourceWithConnectionString>> Servers,
    IReadOnlyList<IResourceBuilder<EstateDatabaseResource>> Databases)
{
    /// <summary>Publish mode: the environment the manifest is for and its servers (null in run mode).</summary>
    public PublishedTarget? Published { get; init; }
}
