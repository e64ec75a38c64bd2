namespace Rollout.AppHost.Model;

/// <summary>
/// A .NET project run as a process once what it waits for is ready (Aspire's ProjectResource):
/// the Provisioner and the SmokeRunner. References inject connection info as environment
/// (ConnectionStrings__mo_crm, MO_CRM_HOST, …); WaitFor waits for Running (healthy), WaitForCompletion
/// for another project's successful exit.
/// </summary>
public sealed class ProjectResource(string name, string projectPath) : IResourceWithWaits
{
    private readonly List<IResourceWithConnectionString> _references = [];
    private readonly List<IResource> _waitsFor = [];
    private readonly List<IResource> _waitsForCompletion = [];
    private readonly List<string> _args = [];
    private readonly Dictionary<string, string> _environment = [];

    public string Name { get; } = name;

    public string Kind => "Project";

    /// <summary>Path of the .csproj (relative to the repository root or absolute).</summary>
    public string ProjectPath { get; } = projectPath;

    public IReadOnlyList<string> Args => _args;

    public IReadOnlyList<IResourceWithConnectionString> References => _references;

    public IReadOnlyDictionary<string, string> Environment => _environment;

    public IReadOnlyList<IResource> WaitsFor => _waitsFor;

    public IReadOnlyList<IResource> WaitsForCompletion => _waitsForCompletion;

    public ProjectResource WithArgs(params string[] args)
    {
        _args.AddRange(args);
        return this;
    }

    public ProjectResource WithEnvironment(string name, string value)
    {
        _environment[name] = value;
        return this;
    }

    public ProjectResource WithReference(IResourceWithConnectionString resource)
    {
        if (!_references.Contains(resource)) _references.Add(resource);
        return this;
    }

    public ProjectResource WithReferences(IEnumerable<IResourceWithConnectionString> resources)
    {
        foreach (var resource in resources) WithReference(resource);
        return this;
    }

    public ProjectResource WaitFor(IResource resource)
    {
        if (!_waitsFor.Contains(resource)) _waitsFor.Add(resource);
        return this;
    }

    public ProjectResource WaitForCompletion(IResource resource)
    {
        if (!_waitsForCompletion.Contains(resource)) _waitsForCompletion.Add(resource);
        return this;
    }
}
