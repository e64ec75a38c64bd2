namespace Rollout.AppHost.Publishing.Manifest;

/// <summary>A resource of aspire-manifest.json, in the shape Aspire writes it.</summary>
public abstract record ManifestResource(string Name)
{
    public abstract string Type { get; }
}

public sealed record ManifestBinding(string Name, string Scheme, string Protocol, string Transport, int TargetPort);

public sealed record ManifestVolume(string Name, string Target, bool ReadOnly);

public sealed record ManifestBindMount(string Source, string Target, bool ReadOnly);

public sealed record ContainerManifestResource(
    string Name,
    string Image,
    string? ConnectionString,
    string? Entrypoint,
    IReadOnlyList<string> Args,
    IReadOnlyList<ManifestBindMount> BindMounts,
    IReadOnlyList<ManifestVolume> Volumes,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    IReadOnlyList<ManifestBinding> Bindings) : ManifestResource(Name)
{
    public override string Type => "container.v0";
}

public sealed record ValueManifestResource(string Name, string ConnectionString) : ManifestResource(Name)
{
    public override string Type => "value.v0";
}

public sealed record ProjectManifestResource(string Name, string Path, IReadOnlyList<string> Args, IReadOnlyList<KeyValuePair<string, string>> Env)
    : ManifestResource(Name)
{
    public override string Type => "project.v0";
}

/// <summary>How a parameter gets its value when none is supplied: generated (secrets) or a default (settings).</summary>
public sealed record ParameterDefault(int? GenerateMinLength, string? Value);

public sealed record ParameterManifestResource(string Name, bool Secret, ParameterDefault? Default, string? ConnectionString = null)
    : ManifestResource(Name)
{
    public override string Type => "parameter.v0";
}
