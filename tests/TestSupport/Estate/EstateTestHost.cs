using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Rollout.AppHost.Hosting;
using Rollout.AppHost.Local;
using Rollout.AppHost.Local.PostgreSql;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.TestSupport.Estate;

/// <summary>
/// The estate started for tests through Aspire.Hosting.Testing (<c>DistributedApplicationTestingBuilder.CreateAsync&lt;Projects.Rollout_AppHost&gt;</c>):
/// the real AppHost's model, its own temporary state directory and free loopback ports, the dashboard off. Use one per
/// xunit class or collection fixture. Dispose stops every process (DCP) and deletes the temporary state directory
/// (ROLLOUT_KEEP_TEST_STATE=1 keeps it).
/// </summary>
public sealed class EstateTestHost : IAsyncDisposable
{
    private const int PortAttempts = 3;
    private readonly bool _ownsDirectory;
    private readonly ConsoleLogs _logs;
    private int _disposed;

    private EstateTestHost(DistributedApplication app, EstateRuntime runtime, bool ownsDirectory, ConsoleLogs logs)
    {
        App = app;
        Runtime = runtime;
        _ownsDirectory = ownsDirectory;
        _logs = logs;
    }

    /// <summary>The running Aspire application (ResourceNotifications, ResourceCommandService, GetConnectionStringAsync …).</summary>
    public DistributedApplication App { get; }

    public EstateRuntime Runtime { get; }

    public Rollout.Topology.Model.Estate Estate => Runtime.Estate;

    public string StateDirectory => Runtime.Layout.Root;

    public string CaCertificatePath => Runtime.CaCertificatePath;

    /// <summary>The local secret store: admin passwords (ROLLOUT_ADMIN_PASS_*) and service-user passwords (MO_CRM_DB_PASS, …).</summary>
    public LocalSecretStore Secrets => Runtime.Secrets;

    public static async Task<EstateTestHost> StartAsync(EstateTestOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EstateTestOptions();
        var ownsDirectory = options.StateDirectory is null;
        var stateDirectory = options.StateDirectory ?? Directory.CreateTempSubdirectory("rollout-test-").FullName;
        var estatePath = options.EstatePath ?? EstateLoader.Locate(AppContext.BaseDirectory);
        var estate = EstateLoader.LoadFile(estatePath);
        var local = estate.Environment("local");
        for (var attempt = 1; ; attempt++)
        {
            var ports = options.Ports ?? estate.EnabledServers(local).ToDictionary(s => s.Name, _ => PortProbe.FindFree());
            List<string> args = ["--estate", estatePath, "--state-dir", stateDirectory, .. ports.SelectMany(p => new[] { "--port", $"{p.Key}={p.Value}" })];
            if (!options.RunProjects) args.Add("--no-projects");
            if (!options.Monitoring) args.Add("--Monitoring:Enabled=false");
            if (!options.UseTemplateCache) args.Add("--no-template-cache");
            else if (options.TemplateCache is not null) args.AddRange(["--template-cache", options.TemplateCache]);
            args.AddRange(options.Arguments);
            DistributedApplication? app = null;
            ConsoleLogs? logs = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.StartTimeout);
                var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Rollout_AppHost>([.. args],
                    (app, _) => app.DisableDashboard = true, timeout.Token);
                app = await builder.BuildAsync(timeout.Token);
                var runtime = app.Services.GetRequiredService<EstateRuntime>();
                // Aspire streams a resource's console output only while someone watches it: watch from the start.
                logs = ConsoleLogs.Watch(app);
                await app.StartAsync(timeout.Token);
                var host = new EstateTestHost(app, runtime, ownsDirectory, logs);
                foreach (var server in estate.EnabledServers(local)) await host.WaitForHealthyAsync(server.Name, timeout.Token);
                return host;
            }
            catch (Exception e) when (options.Ports is null && attempt < PortAttempts
                && (e.ToString().Contains("is already in use", StringComparison.Ordinal) || e.ToString().Contains("Address already in use", StringComparison.Ordinal)))
            {
                // Another process took a free port between our probe and the server's bind: new ports.
                await DisposeQuietlyAsync(logs, app);
            }
            catch
            {
                await DisposeQuietlyAsync(logs, app);
                if (ownsDirectory && Environment.GetEnvironmentVariable("ROLLOUT_KEEP_TEST_STATE") != "1") DeleteQuietly(stateDirectory);
                throw;
            }
        }
    }

    /// <summary>Cleans up after a failed start without hiding why it failed.</summary>
    private static async Task DisposeQuietlyAsync(ConsoleLogs? logs, DistributedApplication? app)
    {
        foreach (var disposable in new IAsyncDisposable?[] { logs, app })
        {
            try
            {
                if (disposable is not null) await disposable.DisposeAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or InvalidOperationException or AggregateException)
            {
                // Already torn down by the failed start.
            }
        }
    }

    /// <summary>Waits until a resource is healthy; a resource that failed, exited or finished instead throws with its state.</summary>
    public async Task WaitForHealthyAsync(string resource, CancellationToken cancellationToken)
    {
        var seen = await App.ResourceNotifications.WaitForResourceAsync(resource, e =>
            e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
            || e.Snapshot.State?.Text is "FailedToStart" or "Exited" or "Finished", cancellationToken);
        if (seen.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy) return;
        // The console log of a process that just ended arrives shortly after its state.
        for (var wait = 0; wait < 50 && _logs.Text(resource).Length == 0; wait++) await Task.Delay(100, CancellationToken.None);
        throw new InvalidOperationException($"Resource '{resource}' is {seen.Snapshot.State?.Text} (exit code {seen.Snapshot.ExitCode}) instead of healthy. " +
                $"Its console log:{Environment.NewLine}{await ConsoleLogAsync(resource)}");
    }

    /// <summary>What a resource printed so far (Aspire's console log of it, as the dashboard shows).</summary>
    public Task<string> ConsoleLogAsync(string resource) => Task.FromResult(_logs.Text(resource));

    /// <summary>Waits until a project resource finished and returns its exit code.</summary>
    public async Task<int?> WaitForCompletionAsync(string resource, CancellationToken cancellationToken)
    {
        var seen = await App.ResourceNotifications.WaitForResourceAsync(resource, e =>
            e.Snapshot.State?.Text is "Finished" or "Exited" or "FailedToStart", cancellationToken);
        return seen.Snapshot.ExitCode;
    }

    /// <summary>The `local` environment bound to this estate (via LocalEnvironmentBinder and resources.json).</summary>
    public Task<EnvironmentBinding> BindAsync(CancellationToken cancellationToken = default) =>
        LocalEnvironmentBinder.BindAsync(Estate, StateDirectory, cancellationToken, variables: _ => null);

    /// <summary>A server's endpoint: host, port, CA and — except for the existing (Plesk) server and Redis — the admin account.</summary>
    public ServerEndpoint Endpoint(string serverName)
    {
        var spec = Estate.Servers.Single(s => s.Name == serverName);
        var (host, port) = Runtime.Address(spec);
        var password = spec.Existing || !spec.IsDatabaseServer ? null
            : Secrets.GetAsync(LocalSecretNames.AdminPassword(serverName), CancellationToken.None).GetAwaiter().GetResult();
        return new ServerEndpoint(spec, host, port, password is null ? null : LocalSecretNames.AdminUser, password, CaCertificatePath);
    }

    /// <summary>The connection string of a server or database resource (rollout.yaml's name, mo_crm, or the resource's, mo-crm), real password included: never print it.</summary>
    public async Task<string> GetConnectionStringAsync(string resourceName, CancellationToken cancellationToken = default) =>
        await App.GetConnectionStringAsync(EstateDatabaseResource.ResourceName(resourceName), cancellationToken) ?? "";

    /// <summary>Admits further admin roles (besides rollout_admin) to a PostgreSQL server's pg_hba.conf and reloads it; [] restores the start-up file.</summary>
    public Task AdmitPostgreSqlAdminRolesAsync(string serverName, IReadOnlyList<string> roles, CancellationToken cancellationToken = default) =>
        Runtime.Server(serverName) is PostgreSqlServer server
            ? server.AdmitAdminRolesAsync(roles, cancellationToken)
            : throw new ArgumentException($"'{serverName}' is not a PostgreSQL server of this stack.", nameof(serverName));

    /// <summary>Stops one server through Aspire's own stop command (as the dashboard's Stop button does) and waits until it exited.</summary>
    public async Task StopServerAsync(string serverName, CancellationToken cancellationToken = default)
    {
        var result = await App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(serverName, KnownResourceCommands.StopCommand, cancellationToken);
        if (!result.Success) throw new InvalidOperationException($"Stopping '{serverName}' failed: {result.Message}");
        await App.ResourceNotifications.WaitForResourceAsync(serverName, [KnownResourceStates.Exited, KnownResourceStates.Finished], cancellationToken);
    }

    /// <summary>The pid of a server process (Aspire's executable.pid), null when not running.</summary>
    public int? ServerPid(string serverName) =>
        App.ResourceNotifications.TryGetCurrentState(serverName, out var state)
            ? state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value switch
            {
                int value => value,
                long value => (int)value,
                string text when int.TryParse(text, out var parsed) => parsed,
                _ => null,
            }
            : null;

    public IReadOnlyList<int> ServerPids => Estate.EnabledServers(Runtime.Environment).Select(s => ServerPid(s.Name)).OfType<int>().ToList();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        // Pooled connections of the test process must not keep a server's session alive while it stops.
        Npgsql.NpgsqlConnection.ClearAllPools();
        await MySqlConnector.MySqlConnection.ClearAllPoolsAsync();
        await App.StopAsync();
        await _logs.DisposeAsync();
        await App.DisposeAsync();
        if (_ownsDirectory && Environment.GetEnvironmentVariable("ROLLOUT_KEEP_TEST_STATE") != "1") DeleteQuietly(StateDirectory);
    }

    /// <summary>Deletes a test state directory; retried because a just-stopped server may still be flushing a file.</summary>
    public static void DeleteQuietly(string directory)
    {
        for (var attempt = 1; attempt <= 5 && Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(200);
            }
        }
    }
}
