using Rollout.AppHost.Local;

namespace Rollout.AppHost;

/// <summary>What the command line (or the testing builder) chooses for one AppHost run.</summary>
public sealed record AppHostOptions
{
    /// <summary>rollout.yaml; default: the first one found from the current directory upwards.</summary>
    public string? EstatePath { get; init; }

    /// <summary>State directory (data, tls, logs, secrets.json, resources.json); default &lt;repo&gt;/.rollout.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>Delete data directories, certificates, secrets and logs first.</summary>
    public bool Fresh { get; init; }

    public string EnvironmentName { get; init; } = "local";

    /// <summary>Ports that replace rollout.yaml's environments.local.servers.&lt;name&gt;.port.</summary>
    public IReadOnlyDictionary<string, int> PortOverrides { get; init; } = new Dictionary<string, int>();

    /// <summary>Where the server programs are (Debian's paths by default).</summary>
    public ServerBinaries Binaries { get; init; } = ServerBinaries.Debian;

    /// <summary>Run the project resources (Provisioner, SmokeRunner) once the servers are healthy.</summary>
    public bool RunProjects { get; init; } = true;

    /// <summary>
    /// Copy pristine data directories from the per-user template cache instead of running
    /// mariadb-install-db/initdb on a cold start (ROLLOUT_TEMPLATE_CACHE=off also disables it).
    /// </summary>
    public bool UseTemplateCache { get; init; } = true;

    /// <summary>The template cache directory; default ROLLOUT_TEMPLATE_CACHE, else $XDG_CACHE_HOME/rollout/templates or ~/.cache/rollout/templates.</summary>
    public string? TemplateCacheDirectory { get; init; }

    /// <summary>Show the live resource table (otherwise one line per state change).</summary>
    public bool LiveTable { get; init; } = true;

    /// <summary>Resolves rollout.yaml: the option, else the nearest one from <paramref name="start"/> upwards.</summary>
    public string ResolveEstatePath(string? start = null)
    {
        if (EstatePath is not null)
            return File.Exists(EstatePath) ? Path.GetFullPath(EstatePath)
                : throw new FileNotFoundException($"Estate file {Path.GetFullPath(EstatePath)} does not exist (--file).", EstatePath);
        foreach (var origin in new[] { start ?? Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(origin); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "rollout.yaml");
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException("No rollout.yaml found in the current directory or above it: run from the repository or pass --file <path>.");
    }

    /// <summary>The state directory: the option, else .rollout next to rollout.yaml (git-ignored).</summary>
    public string ResolveStateDirectory(string estatePath) =>
        Path.GetFullPath(StateDirectory ?? Path.Combine(Path.GetDirectoryName(estatePath)!, ".rollout"));
}
