using System.Globalization;
using Rollout.AppHost.Local;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// What the command line (or a test's arguments) chooses for one AppHost run. Our options are taken out of the
/// arguments before the rest goes to Aspire (<c>--publisher</c>, <c>--output-path</c>, <c>--Key=value</c> configuration).
/// Estate file: <c>--estate</c> (alias <c>--file</c>), else ROLLOUT_ESTATE, else the nearest rollout.yaml upwards;
/// state directory: <c>--state-dir</c>, else ROLLOUT_STATE_DIR, else .rollout next to the estate file.
/// </summary>
public sealed record EstateOptions
{
    public string? EstatePath { get; init; }

    public string? StateDirectory { get; init; }

    /// <summary>Delete data directories, certificates, secrets and logs first.</summary>
    public bool Fresh { get; init; }

    public string EnvironmentName { get; init; } = "local";

    /// <summary>Ports that replace rollout.yaml's environments.local.servers.&lt;name&gt;.port.</summary>
    public IReadOnlyDictionary<string, int> PortOverrides { get; init; } = new Dictionary<string, int>();

    public ServerBinaries Binaries { get; init; } = ServerBinaries.Debian;

    /// <summary>Add the Provisioner and SmokeRunner project resources.</summary>
    public bool RunProjects { get; init; } = true;

    /// <summary>Copy pristine data directories from the per-user template cache instead of running mariadb-install-db/initdb.</summary>
    public bool UseTemplateCache { get; init; } = true;

    public string? TemplateCacheDirectory { get; init; }

    /// <summary>A server that fails to start stops the application (exit 1); set when the AppHost runs as a program, not under Aspire.Hosting.Testing.</summary>
    public bool StopOnStartFailure { get; init; }

    /// <summary>Run without Aspire's dashboard (scripts, tests, several AppHosts side by side).</summary>
    public bool NoDashboard { get; init; }

    public const string EstateVariable = "ROLLOUT_ESTATE";
    public const string StateDirectoryVariable = "ROLLOUT_STATE_DIR";

    /// <summary>Splits <paramref name="args"/> into our options and the arguments Aspire gets; throws <see cref="ArgumentException"/> on a bad value.</summary>
    public static (EstateOptions Options, string[] AspireArgs) Parse(IReadOnlyList<string> args, Func<string, string?>? variables = null)
    {
        variables ??= Environment.GetEnvironmentVariable;
        var options = new EstateOptions
        {
            EstatePath = NonEmpty(variables(EstateVariable)),
            StateDirectory = NonEmpty(variables(StateDirectoryVariable)),
        };
        var ports = new Dictionary<string, int>();
        var binaries = ServerBinaries.Debian;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = Split(args[i]);
            string Value() => inline ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value."));
            switch (name)
            {
                case "--estate" or "--file": options = options with { EstatePath = Value() }; break;
                case "--state-dir": options = options with { StateDirectory = Value() }; break;
                case "--fresh": options = options with { Fresh = true }; break;
                case "--no-projects": options = options with { RunProjects = false }; break;
                case "--no-dashboard": options = options with { NoDashboard = true }; break;
                case "--no-template-cache": options = options with { UseTemplateCache = false }; break;
                case "--template-cache": options = options with { TemplateCacheDirectory = Value() }; break;
                case "--port": AddPort(ports, Value()); break;
                case "--mariadbd": binaries = binaries with { MariaDbServer = Value() }; break;
                case "--postgres":
                    var postgres = Value();
                    binaries = binaries with { PostgreSqlServer = postgres, PostgreSqlInitDb = Path.Combine(Path.GetDirectoryName(postgres) ?? "", "initdb") };
                    break;
                case "--redis-server": binaries = binaries with { RedisServer = Value() }; break;
                default: rest.Add(args[i]); break;
            }
        }
        return (options with { PortOverrides = ports, Binaries = binaries }, rest.ToArray());
    }

    /// <summary>Resolves the estate file: the option or ROLLOUT_ESTATE, else the nearest rollout.yaml from <paramref name="start"/> (or the AppHost's build) upwards.</summary>
    public string ResolveEstatePath(string? start = null)
    {
        if (EstatePath is not null)
            return File.Exists(EstatePath) ? Path.GetFullPath(EstatePath)
                : throw new FileNotFoundException($"Estate file {Path.GetFullPath(EstatePath)} does not exist (--estate / {EstateVariable}).", EstatePath);
        foreach (var origin in new[] { start ?? Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(origin); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "rollout.yaml");
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException($"No rollout.yaml found in the current directory or above it: run from the repository or pass --estate <path> (or set {EstateVariable}).");
    }

    /// <summary>The state directory (absolute): the option or ROLLOUT_STATE_DIR, else .rollout next to the estate file (git-ignored).</summary>
    public string ResolveStateDirectory(string estatePath) =>
        Path.GetFullPath(StateDirectory ?? Path.Combine(Path.GetDirectoryName(estatePath)!, ".rollout"));

    private static (string Name, string? Inline) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 2 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }

    private static void AddPort(Dictionary<string, int> ports, string value)
    {
        var parts = value.Split('=', 2);
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"--port {value}: expected <resource>=<port> with a port 1-65535, e.g. --port plesk=33306.");
        ports[parts[0]] = port;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
