using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Rollout.AppHost;
using Rollout.AppHost.Dashboard;
using Rollout.AppHost.Local;
using Rollout.AppHost.Model;
using Rollout.AppHost.Orchestration;
using Rollout.AppHost.Terminal;
using Rollout.ServiceDefaults.Redaction;
using Rollout.Topology.Loading;

// `dotnet run --project AppHost`: brings up the local replica of the estate (issue 2).
// Servers, databases and passwords come from rollout.yaml; the projects are declared here.

var file = new Option<string?>("--file") { Description = "rollout.yaml to use (default: the nearest one from the current directory up)" };
var stateDir = new Option<string?>("--state-dir") { Description = "State directory (default: <repo>/.rollout)" };
var fresh = new Option<bool>("--fresh") { Description = "Start from nothing: delete data, certificates, secrets and logs first" };
var ports = new Option<string[]>("--port") { Description = "Port override <resource>=<port>, e.g. --port plesk=33306 (repeatable)" };
var mariadbd = new Option<string>("--mariadbd") { Description = "MariaDB server program", DefaultValueFactory = _ => ServerBinaries.Debian.MariaDbServer };
var postgres = new Option<string>("--postgres") { Description = "PostgreSQL server program (initdb next to it)", DefaultValueFactory = _ => ServerBinaries.Debian.PostgreSqlServer };
var redis = new Option<string>("--redis-server") { Description = "Redis server program", DefaultValueFactory = _ => ServerBinaries.Debian.RedisServer };
var noProjects = new Option<bool>("--no-projects") { Description = "Do not run the Provisioner and SmokeRunner" };
var noTable = new Option<bool>("--no-table") { Description = "Print one line per state change instead of the live table" };
var dashboardPort = new Option<int>("--dashboard-port")
{
    Description = $"Port of the dashboard on 127.0.0.1 (0: any free port)",
    DefaultValueFactory = _ => DashboardServer.DefaultPort,
};
var noDashboard = new Option<bool>("--no-dashboard") { Description = "Do not serve the dashboard" };
var noTemplateCache = new Option<bool>("--no-template-cache")
{
    Description = "Run mariadb-install-db/initdb instead of copying their cached output (cache: $ROLLOUT_TEMPLATE_CACHE, else ~/.cache/rollout/templates)",
};

var root = new RootCommand("Rollout AppHost: the local replica of the estate (MariaDB, PostgreSQL, Redis) as real processes");
foreach (var option in new Option[] { file, stateDir, fresh, ports, mariadbd, postgres, redis, noProjects, noTable, noTemplateCache, dashboardPort, noDashboard }) root.Options.Add(option);
root.SetAction((parse, _) =>
{
    try
    {
        return RunAsync(new AppHostOptions
        {
            EstatePath = parse.GetValue(file),
            StateDirectory = parse.GetValue(stateDir),
            Fresh = parse.GetValue(fresh),
            PortOverrides = ParsePorts(parse.GetValue(ports) ?? []),
            Binaries = ServerBinaries.Debian with
            {
                MariaDbServer = parse.GetValue(mariadbd)!,
                PostgreSqlServer = parse.GetValue(postgres)!,
                PostgreSqlInitDb = Path.Combine(Path.GetDirectoryName(parse.GetValue(postgres)!) ?? "", "initdb"),
                RedisServer = parse.GetValue(redis)!,
            },
            RunProjects = !parse.GetValue(noProjects),
            LiveTable = !parse.GetValue(noTable),
            UseTemplateCache = !parse.GetValue(noTemplateCache),
        }, parse.GetValue(noDashboard) ? null : ParseDashboardPort(parse.GetValue(dashboardPort)));
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return Task.FromResult(1);
    }
});

// `publish` (issue 6): Aspire manifest, compose, workflows and host configuration from the same model.
root.Subcommands.Add(new Rollout.AppHost.Publishing.PublishCommand());

// Signals are handled below (graceful stop of every server), not by System.CommandLine's 2-second termination timeout.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

static async Task<int> RunAsync(AppHostOptions options, int? dashboardPort)
{
    // Last line of defence: every secret the AppHost loads or generates is masked in its output.
    RedactingTextWriter.InstallOnConsole(SecretRedactor.Shared);
    using var stop = new CancellationTokenSource();
    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        stop.Cancel();
    }
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

    RolloutApplication? app = null;
    Task<DashboardServer?> dashboard = Task.FromResult<DashboardServer?>(null);
    using var tableStop = new CancellationTokenSource();
    Task table = Task.CompletedTask;
    try
    {
        app = Declare(options).Build();
        Console.WriteLine($"Rollout AppHost: estate {app.Estate.SourcePath}, state {app.StateDirectory}{(options.Fresh ? " (fresh)" : "")}");
        table = new ResourceTable(app.Board, options.LiveTable).RunAsync(tableStop.Token);
        await app.StartAsync(stop.Token);
        Console.WriteLine($"All servers healthy; endpoints in {Path.Combine(app.StateDirectory, "resources.json")}. Ctrl+C stops everything.");
        // Started once the servers are healthy: on two cores Kestrel's start-up (~0.5 CPU-s) competing with the
        // servers' cost the start 0.4 s; the projects (Provisioner, SmokeRunner) still run under its eyes.
        if (dashboardPort is { } port) dashboard = TryStartDashboardAsync(app, port, stop.Token);
        if (await dashboard is { } served) Console.WriteLine($"Dashboard: {served.LoginUrl}");
        if (Environment.GetEnvironmentVariable("ROLLOUT_APPHOST_CRASH_AFTER_START") == "1")
        {
            // Fault injection for the tests: an unhandled exception on another thread ends the process at
            // once, without any of our cleanup code running (the servers must still go).
            new Thread(() => throw new InvalidOperationException("ROLLOUT_APPHOST_CRASH_AFTER_START: simulated AppHost crash")).Start();
        }
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await app.StopAsync(CancellationToken.None);
        await tableStop.CancelAsync();
        await table;
        Console.WriteLine("Stopped: every process the AppHost started has exited.");
        return 0;
    }
    catch (OperationCanceledException)
    {
        await tableStop.CancelAsync();
        await table;
        Console.Error.WriteLine("Interrupted while starting; everything started has been stopped.");
        return 130;
    }
    catch (Exception e) when (e is AppHostStartException or LocalServerException or EstateValidationException or FileNotFoundException
        or ArgumentException or KeyNotFoundException)
    {
        await tableStop.CancelAsync();
        await table;
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
    finally
    {
        if (await dashboard is { } served) await served.DisposeAsync();
        if (app is not null) await app.DisposeAsync();
    }
}

// A dashboard that cannot listen (port taken, e.g. by another AppHost) must not keep the estate from running.
static async Task<DashboardServer?> TryStartDashboardAsync(RolloutApplication app, int port, CancellationToken cancellationToken)
{
    try
    {
        return await DashboardServer.StartAsync(app.Board, app.Layout, port, cancellationToken);
    }
    catch (IOException e)
    {
        Console.Error.WriteLine($"warning: dashboard not started: 127.0.0.1:{port} is not available ({e.Message}). " +
                                "The estate runs without it; pass --dashboard-port <port> (0: any free one) or --no-dashboard.");
        return null;
    }
    catch (OperationCanceledException)
    {
        return null;
    }
}

static int ParseDashboardPort(int port) => port is >= 0 and <= 65535
    ? port
    : throw new ArgumentException($"--dashboard-port {port}: expected a port 0-65535 (0: any free port).");

// The application: the estate's servers and databases, then the Provisioner and SmokeRunner.
static RolloutApplicationBuilder Declare(AppHostOptions options)
{
    var builder = RolloutApplication.CreateBuilder(options);
    var servers = builder.AddEstate();
    var databases = builder.Model.Databases.ToList();
    // TODO(merge provisioner/smokerunner): take the arguments from Publishing.ProjectCommands (issue 3: apply --env,
    // issue 4: --env). Until those issues land their Program prints "not yet implemented" and the AppHost shows
    // them as NotStarted (skipped).
    var provisioner = builder.AddProject("provisioner", "Provisioner/Rollout.Provisioner.csproj")
        .WithArgs("apply", "--env", "local")
        .WithReferences(databases);
    foreach (var server in servers) provisioner.WaitFor(server);
    builder.AddProject("smokerunner", "SmokeRunner/Rollout.SmokeRunner.csproj")
        .WithArgs("--env", "local")
        .WithReferences(databases)
        .WaitForCompletion(provisioner);
    return builder;
}

static Dictionary<string, int> ParsePorts(IEnumerable<string> values)
{
    var result = new Dictionary<string, int>();
    foreach (var value in values)
    {
        var parts = value.Split('=', 2);
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"--port {value}: expected <resource>=<port> with a port 1-65535, e.g. --port plesk=33306.");
        result[parts[0]] = port;
    }
    return result;
}
