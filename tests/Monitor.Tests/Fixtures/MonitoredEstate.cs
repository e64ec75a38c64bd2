using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Rollout.Monitor.Cli;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Rollout.AppHost.Hosting;
using Rollout.Monitor.Tests.Alerting;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;
using Rollout.TestSupport.Estate;

namespace Rollout.Monitor.Tests.Fixtures;

/// <summary>
/// The one fixture of the Monitor tests: the local estate started through Aspire.Hosting.Testing (EstateTestHost) with
/// its projects and monitoring resources, as `dotnet run --project AppHost` runs it: real MariaDB, PostgreSQL, Redis
/// with TLS, provisioned by the Provisioner project, then the probe, the alert receiver, Alertmanager and Prometheus
/// (short intervals, through the AppHost's Monitoring configuration). Its surface: the binding, the state directory,
/// the estate, the monitoring resources' URLs and files, stopping and starting a server, and admin SQL to break (and
/// repair) one thing by hand.
/// </summary>
public sealed class MonitoredEstate : IAsyncLifetime
{
    /// <summary>Prometheus scrapes and evaluates every second, Alertmanager notifies within a second.</summary>
    public static readonly IReadOnlyList<string> ShortIntervals =
        ["--Monitoring:ScrapeInterval=00:00:01", "--Monitoring:EvaluationInterval=00:00:01", "--Monitoring:GroupWait=00:00:01", "--Monitoring:GroupInterval=00:00:01"];

    public static readonly string[] MonitoringResources =
        [MonitoringResourceExtensions.ReceiverName, MonitoringResourceExtensions.AlertmanagerName, MonitoringResourceExtensions.ProbeName, MonitoringResourceExtensions.PrometheusName];

    private EstateTestHost? _stack;

    public string EstatePath { get; } = EstateLoader.Locate(AppContext.BaseDirectory);

    public Estate Estate => _stack!.Estate;

    public EnvironmentBinding Binding { get; private set; } = null!;

    public string StateDirectory => _stack!.StateDirectory;

    public LocalSecretStore Secrets => _stack!.Secrets;

    public EstateTestHost Host => _stack!;

    /// <summary>What the receiver resource recorded (&lt;state dir&gt;/monitoring/received-alerts.jsonl).</summary>
    public RecordedAlerts ReceivedAlerts => new(new MonitoringFiles(StateDirectory).ReceivedAlerts);

    /// <summary>Prometheus' base URL, as the Aspire dashboard links it.</summary>
    public Uri PrometheusUrl => _stack!.App.GetEndpoint(MonitoringResourceExtensions.PrometheusName, MonitoringResourceExtensions.HttpEndpoint);

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        _stack = await EstateTestHost.StartAsync(new EstateTestOptions
        {
            EstatePath = EstatePath,
            RunProjects = true,
            Monitoring = true,
            Arguments = ShortIntervals,
            // Aspire's StartAsync returns once every WaitFor chain is resolved: servers, Provisioner, then monitoring.
            StartTimeout = TimeSpan.FromMinutes(5),
        }, timeout.Token);
        var provisioned = await _stack.WaitForCompletionAsync("provisioner", timeout.Token);
        if (provisioned != 0)
            throw new InvalidOperationException($"The provisioner exited with {provisioned}:{Environment.NewLine}{await _stack.ConsoleLogAsync("provisioner")}");
        foreach (var resource in MonitoringResources) await _stack.WaitForHealthyAsync(resource, timeout.Token);
        Binding = await _stack.BindAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_stack is not null) await _stack.DisposeAsync();
    }

    /// <summary>Stops one server process (as an operator would), through Aspire's stop command.</summary>
    public async Task StopServerAsync(string server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _stack!.StopServerAsync(server, timeout.Token);
    }

    /// <summary>Starts a stopped server again on its port and data, returning once it answers a TLS login.</summary>
    public async Task StartServerAsync(string server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await _stack!.App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(server, KnownResourceCommands.StartCommand, timeout.Token);
        if (!result.Success) throw new InvalidOperationException($"Starting '{server}' failed: {result.Message}");
        await _stack.WaitForHealthyAsync(server, timeout.Token);
    }

    /// <summary>Runs statements as the server's local admin account (to break, then repair, one thing by hand).</summary>
    public Task AdminAsync(string server, params string[] statements)
        => EstateAdmin.ExecuteAsync(Binding, server, statements);

    /// <summary>The probe, in-process, as a user runs it against this estate (`Monitor &lt;args&gt; --env local --state-dir …`).</summary>
    public async Task<MonitorRun> MonitorAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var exit = await MonitorCli.RunAsync([.. args, "--env", "local", "--estate", EstatePath, "--state-dir", StateDirectory], output, error, timeout.Token);
        return new MonitorRun(exit, output.ToString(), error.ToString());
    }

    /// <summary>The Provisioner, in-process, on this estate (`Provisioner &lt;verb&gt; --env local --state-dir …`).</summary>
    public async Task<MonitorRun> ProvisionerAsync(string verb, params string[] options)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var io = new Rollout.Provisioner.Commands.CommandIo(output, error, _ => null, StateDirectory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var exit = await Rollout.Provisioner.Commands.ProvisionerCli.RunAsync([verb, "--env", "local", "--estate", EstatePath, "--state-dir", StateDirectory, .. options], io, timeout.Token);
        return new MonitorRun(exit, output.ToString(), error.ToString());
    }

    /// <summary>Every secret value of the state directory's store: what must never appear in any output.</summary>
    public Task<IReadOnlyList<string>> SecretValuesAsync()
        => EstateAdmin.SecretValuesAsync(Secrets);
}

public sealed record MonitorRun(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;
}

[CollectionDefinition(Name)]
public sealed class MonitoredEstateCollection : ICollectionFixture<MonitoredEstate>
{
    public const string Name = "monitored estate";
}
