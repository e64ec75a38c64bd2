using Rollout.AppHost.Local;
using Rollout.AppHost.Local.Processes;
using Rollout.AppHost.Local.Templates;
using Rollout.AppHost.Local.Tls;
using Rollout.AppHost.Model;
using Rollout.AppHost.Orchestration;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.AppHost;

/// <summary>
/// The local replica of the estate (Aspire's DistributedApplication): created by
/// <see cref="CreateBuilder"/> + <see cref="RolloutApplicationBuilder.Build"/>, it owns the state
/// directory (locked against a second AppHost), the local CA and secret store, and runs the model
/// through the <see cref="Orchestrator"/>.
/// </summary>
public sealed class RolloutApplication : IAsyncDisposable
{
    private readonly RolloutApplicationBuilder _builder;
    private FileStream? _lock;
    private Orchestrator? _orchestrator;

    internal RolloutApplication(RolloutApplicationBuilder builder)
    {
        _builder = builder;
        Layout = new StateLayout(builder.Options.ResolveStateDirectory(builder.Estate.SourcePath));
        Secrets = LocalSecretStore.InStateDirectory(Layout.Root);
        Board = new ResourceStatusBoard(Model, Layout.Root, CaCertificatePath);
    }

    /// <summary>Loads rollout.yaml (found as <see cref="AppHostOptions.ResolveEstatePath"/> says) and starts declaring the application.</summary>
    public static RolloutApplicationBuilder CreateBuilder(AppHostOptions options)
    {
        var estate = LoadEstate(options.ResolveEstatePath());
        var environment = estate.Environment(options.EnvironmentName);
        if (environment.Kind != EnvironmentKind.Local)
            throw new ArgumentException($"Environment '{environment.Name}' is not local: the AppHost runs only local environments (use the Provisioner for {environment.Name}).");
        return new RolloutApplicationBuilder(estate, environment, options);
    }

    /// <summary>Loads and validates rollout.yaml; every problem is reported at once (EstateValidationException).</summary>
    internal static Estate LoadEstate(string path) => EstateLoader.LoadFile(path);

    public Estate Estate => _builder.Estate;

    public EnvironmentSpec Environment => _builder.Environment;

    public ApplicationModel Model => _builder.Model;

    public AppHostOptions Options => _builder.Options;

    public StateLayout Layout { get; }

    public string StateDirectory => Layout.Root;

    /// <summary>The directory of rollout.yaml: project paths are relative to it.</summary>
    public string RepositoryRoot => Path.GetDirectoryName(Estate.SourcePath)!;

    public LocalSecretStore Secrets { get; }

    public string CaCertificatePath => Path.Combine(Layout.Tls, "ca.crt");

    /// <summary>The live resource states; resources.json is written from it once started.</summary>
    public ResourceStatusBoard Board { get; }

    public Orchestrator Orchestrator => _orchestrator ?? throw new InvalidOperationException("The application has not been started.");

    /// <summary>Brings every server up and healthy (and starts the projects); throws <see cref="AppHostStartException"/> with everything stopped on failure.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_orchestrator is not null) throw new InvalidOperationException("The application is already started.");
        Layout.Create();
        _lock = AcquireLock();
        if (Options.Fresh)
        {
            await new LeftoverProcesses(Layout.ProcessesFile).ReapAsync(cancellationToken);
            Layout.DeleteState();
            Layout.Create();
        }
        var leftovers = new LeftoverProcesses(Layout.ProcessesFile);
        await leftovers.ReapAsync(cancellationToken);
        var authority = LocalCertificateAuthority.LoadOrCreate(Layout.Tls);
        var context = new LocalServerContext(Estate, Layout, authority, Secrets, Options.Binaries, leftovers,
            TemplateCache.Resolve(Options.TemplateCacheDirectory, disabled: !Options.UseTemplateCache));
        _orchestrator = new Orchestrator(Model, Environment, context, Options, RepositoryRoot, Board);
        await _orchestrator.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_orchestrator is not null) await _orchestrator.StopAsync(cancellationToken);
        _lock?.Dispose();
        _lock = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private FileStream AcquireLock()
    {
        var pidFile = Path.Combine(Layout.Root, "apphost.pid");
        try
        {
            // FileShare.None takes an exclusive flock (released by the kernel if the AppHost dies):
            // a second AppHost on this state directory fails here.
            var stream = new FileStream(Layout.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(pidFile, System.Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return stream;
        }
        catch (IOException)
        {
            var owner = File.Exists(pidFile) ? File.ReadAllText(pidFile).Trim() : "?";
            throw new AppHostStartException($"State directory {Layout.Root} is in use by another AppHost (pid {owner}). Stop it (Ctrl+C), or use another --state-dir.");
        }
    }
}
