namespace Rollout.TestSupport.Estate;

/// <summary>How a test starts the estate (<see cref="EstateTestHost.StartAsync"/>): by default the repository's rollout.yaml, a new temporary state directory, free ports, no projects.</summary>
public sealed record EstateTestOptions
{
    /// <summary>rollout.yaml to run (default: the repository's, found upwards from the test's directory).</summary>
    public string? EstatePath { get; init; }

    /// <summary>A state directory to use (kept afterwards); default a new temporary one, deleted at the end.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>Run the Provisioner and the SmokeRunner project resources, as `dotnet run` does.</summary>
    public bool RunProjects { get; init; }

    /// <summary>With <see cref="RunProjects"/>: also the monitoring resources (probe, receiver, Alertmanager, Prometheus); off by default to spare the machine.</summary>
    public bool Monitoring { get; init; }

    /// <summary>Fixed ports instead of free ones (for tests about ports).</summary>
    public IReadOnlyDictionary<string, int>? Ports { get; init; }

    /// <summary>The template cache directory; null with <see cref="UseTemplateCache"/> false: none.</summary>
    public string? TemplateCache { get; init; }

    public bool UseTemplateCache { get; init; } = true;

    /// <summary>Further AppHost arguments (e.g. --mariadbd /nonexistent).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Wait until every server is healthy (and, with projects, until the SmokeRunner finished).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(3);
}
