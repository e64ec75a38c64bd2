using Rollout.AppHost.Local;
using Rollout.AppHost.Model;

namespace Rollout.AppHost.Testing;

/// <summary>
/// Starts the local estate for tests: our stand-in for Aspire.Hosting.Testing's
/// DistributedApplicationTestingBuilder. Each stack gets its own temporary state directory and
/// free loopback ports, so several test projects (and collections) can run stacks at once. The
/// Provisioner and SmokeRunner are NOT run unless a test asks (<see cref="WithProjects"/>).
///
/// Use it once per xunit collection through a fixture (the AppHost does not depend on xunit):
/// <code>
/// public sealed class StackFixture : IAsyncLifetime
/// {
///     public TestingStack Stack { get; private set; } = null!;
///     public async Task InitializeAsync() => Stack = await RolloutTestingBuilder.Create().StartAsync();
///     public async Task DisposeAsync() => await Stack.DisposeAsync();   // runs even when tests fail
/// }
/// [CollectionDefinition("stack")] public sealed class StackCollection : ICollectionFixture&lt;StackFixture&gt;;
///
/// [Collection("stack")]
/// public sealed class MyTests(StackFixture fixture)
/// {
///     [Fact] public async Task Works()
///     {
///         var binding = await fixture.Stack.BindAsync();             // EnvironmentBinding of `local`
///         var admin = fixture.Stack.Endpoint("external-mariadb");      // host, port, rollout_admin + password, CA
///         var crm = await fixture.Stack.GetConnectionStringAsync("mo_crm"); // service user's connection string
///         var secrets = fixture.Stack.Secrets;                          // the local secret store
///     }
/// }
/// </code>
/// Every server process dies with the test host even if DisposeAsync never runs (PR_SET_PDEATHSIG).
/// Set ROLLOUT_KEEP_TEST_STATE=1 to keep the state directory (logs) after the run.
/// </summary>
public sealed class RolloutTestingBuilder
{
    private const int PortAttempts = 3;
    private string? _estatePath;
    private string? _stateDirectory;
    private bool _runProjects;
    private ServerBinaries _binaries = ServerBinaries.Debian;
    private IReadOnlyDictionary<string, int>? _ports;
    private string? _templateCache;
    private bool _useTemplateCache = true;
    private readonly List<Action<RolloutApplicationBuilder>> _configure = [];

    private RolloutTestingBuilder()
    {
    }

    /// <summary>A builder for the estate in <paramref name="estatePath"/> (default: the repository's rollout.yaml, found upwards from the test's directory).</summary>
    public static RolloutTestingBuilder Create(string? estatePath = null) => new() { _estatePath = estatePath };

    /// <summary>Runs the project resources (Provisioner, SmokeRunner) after the servers, as `dotnet run` does.</summary>
    public RolloutTestingBuilder WithProjects(bool run = true)
    {
        _runProjects = run;
        return this;
    }

    /// <summary>Uses this state directory instead of a new temporary one (it is not deleted at the end).</summary>
    public RolloutTestingBuilder WithStateDirectory(string path)
    {
        _stateDirectory = path;
        return this;
    }

    /// <summary>Fixed ports instead of free ones (for tests about ports).</summary>
    public RolloutTestingBuilder WithPorts(IReadOnlyDictionary<string, int> ports)
    {
        _ports = ports;
        return this;
    }

    /// <summary>Uses this template cache directory instead of the per-user one, or none (<paramref name="directory"/> null).</summary>
    public RolloutTestingBuilder WithTemplateCache(string? directory)
    {
        _templateCache = directory;
        _useTemplateCache = directory is not null;
        return this;
    }

    public RolloutTestingBuilder WithBinaries(ServerBinaries binaries)
    {
        _binaries = binaries;
        return this;
    }

    /// <summary>Adds resources to the model before it starts (e.g. a project with references and waits).</summary>
    public RolloutTestingBuilder Configure(Action<RolloutApplicationBuilder> configure)
    {
        _configure.Add(configure);
        return this;
    }

    /// <summary>Starts every server of the `local` environment and returns once all are healthy.</summary>
    public async Task<TestingStack> StartAsync(CancellationToken cancellationToken = default)
    {
        var ownsDirectory = _stateDirectory is null;
        var stateDirectory = _stateDirectory ?? Directory.CreateTempSubdirectory("rollout-test-").FullName;
        var estatePath = _estatePath ?? new AppHostOptions().ResolveEstatePath(AppContext.BaseDirectory);
        for (var attempt = 1; ; attempt++)
        {
            var options = new AppHostOptions
            {
                EstatePath = estatePath,
                StateDirectory = stateDirectory,
                Binaries = _binaries,
                RunProjects = _runProjects,
                LiveTable = false,
                UseTemplateCache = _useTemplateCache,
                TemplateCacheDirectory = _templateCache,
            };
            var builder = RolloutApplication.CreateBuilder(options);
            builder = RolloutApplication.CreateBuilder(options with { PortOverrides = _ports ?? FreePorts(builder) });
            builder.AddEstate();
            foreach (var configure in _configure) configure(builder);
            var app = builder.Build();
            try
            {
                await app.StartAsync(cancellationToken);
                return new TestingStack(app, ownsDirectory);
            }
            catch (PortInUseException) when (_ports is null && attempt < PortAttempts)
            {
                // Another process took a free port between our probe and the server's bind: new ports.
                await app.DisposeAsync();
            }
            catch (Exception e) when (e is Orchestration.AppHostStartException && _ports is null && attempt < PortAttempts && e.Message.Contains("already in use", StringComparison.Ordinal))
            {
                await app.DisposeAsync();
            }
            catch
            {
                await app.DisposeAsync();
                if (ownsDirectory && Environment.GetEnvironmentVariable("ROLLOUT_KEEP_TEST_STATE") != "1")
                    TestingStack.DeleteQuietly(stateDirectory);
                throw;
            }
        }
    }

    private static Dictionary<string, int> FreePorts(RolloutApplicationBuilder probe) =>
        probe.Estate.EnabledServers(probe.Environment).ToDictionary(s => s.Name, _ => PortProbe.FindFree());
}
