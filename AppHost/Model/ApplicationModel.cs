namespace Rollout.AppHost.Model;

/// <summary>
/// The resources of one application, in the order they were added (Aspire's DistributedApplicationModel):
/// what the local runtime starts and what `publish` renders.
/// </summary>
public sealed class ApplicationModel
{
    private readonly List<IResource> _resources = [];

    public IReadOnlyList<IResource> Resources => _resources;

    public IEnumerable<ServerResource> Servers => _resources.OfType<ServerResource>();

    public IEnumerable<DatabaseResource> Databases => _resources.OfType<DatabaseResource>();

    public IEnumerable<ProjectResource> Projects => _resources.OfType<ProjectResource>();

    public IResource this[string name] =>
        _resources.FirstOrDefault(r => r.Name == name)
        ?? throw new KeyNotFoundException($"No resource named '{name}' (resources: {string.Join(", ", _resources.Select(r => r.Name))}).");

    public T Add<T>(T resource) where T : IResource
    {
        if (_resources.Any(r => r.Name == resource.Name))
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists in the application model.");
        _resources.Add(resource);
        return resource;
    }
}
