using Rollout.AppHost.Local.PostgreSql;
using Rollout.AppHost.Model;
using Rollout.AppHost.Orchestration;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Testing;

/// <summary>
/// A running local estate for tests (see <see cref="RolloutTestingBuilder"/>): the estate, the
/// state directory, the `local` binding, connection strings by resource name and the secret store.
/// Dispose stops every process and deletes the temporary state directory.
/// </summary>
public sealed class TestingStack : IAsyncDisposable
{
    private readonly bool _ownsDirectory;
    private int _disposed;

    internal TestingStack(RolloutApplication application, bool ownsDirectory)
    {
        Application = application;
        _ownsDirectory = ownsDirectory;
    }

    public RolloutApplication Application { get; }

    public Estate Estate => Application.Estate;

    public ApplicationModel Model => Application.Model;

    public string StateDirectory => Application.StateDirectory;

    public string CaCertificatePath => Application.CaCertificatePath;

    /// <summary>The local secret store: admin passwords (ROLLOUT_ADMIN_PASS_*) and service-user passwords (MO_CRM_DB_PASS, …).</summary>
    public LocalSecretStore Secrets => Application.Secrets;

    /// <summary>The `local` environment bound to this stack (via LocalEnvironmentBinder and resources.json).</summary>
    public Task<EnvironmentBinding> BindAsync(CancellationToken cancellationToken = default) =>
        LocalEnvironmentBinder.BindAsync(Estate, StateDirectory, cancellationToken);

    /// <summary>A server's endpoint: host, port, CA and — except for the existing (Plesk) server and Redis — the admin account.</summary>
    public ServerEndpoint Endpoint(string serverName)
    {
        var server = (ServerResource)Model[serverName];
        var password = server.AdminPassword is null ? null : Secrets.GetAsync(server.AdminPassword.SecretName, CancellationToken.None).GetAwaiter().GetResult();
        return new ServerEndpoint(server.Spec, server.Endpoint.AllocatedHost!, server.Endpoint.AllocatedPort!.Value,
            password is null ? null : server.AdminUser, password, CaCertificatePath);
    }

    /// <summary>
    /// The connection string of a server or database resource, with the real password (the service
    /// user's for a database, generated into the secret store if missing). Never print it.
    /// </summary>
    public async Task<string> GetConnectionStringAsync(string resourceName, CancellationToken cancellationToken = default) =>
        Model[resourceName] is IResourceWithConnectionString resource
            ? await resource.ConnectionStringExpression.GetValueAsync(cancellationToken) ?? ""
            : throw new ArgumentException($"Resource '{resourceName}' has no connection string.", nameof(resourceName));

    /// <summary>
    /// Admits further admin roles (besides rollout_admin) to a PostgreSQL server's pg_hba.conf, as the published file of
    /// an environment whose PG_ADMIN_USER names such a role admits it (a test binding staging to this stack with its own
    /// admin); [] restores the start-up file. Returns once new sessions authenticate with the reloaded rules.
    /// </summary>
    public Task AdmitPostgreSqlAdminRolesAsync(string serverName, IReadOnlyList<string> roles, CancellationToken cancellationToken = default) =>
        Application.Orchestrator.Servers.GetValueOrDefault(serverName) is PostgreSqlServer server
            ? server.AdmitAdminRolesAsync(roles, cancellationToken)
            : throw new ArgumentException($"'{serverName}' is not a PostgreSQL server of this stack.", nameof(serverName));

    /// <summary>The live state of a resource (state, pid, endpoint).</summary>
    public ResourceStatus Resource(string name) => Application.Board[name];

    /// <summary>The pids of every server process this stack started.</summary>
    public IReadOnlyList<int> ServerPids => Application.Orchestrator.Servers.Values.Select(s => s.Pid).OfType<int>().ToList();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await Application.DisposeAsync();
        if (_ownsDirectory && Environment.GetEnvironmentVariable("ROLLOUT_KEEP_TEST_STATE") != "1")
            DeleteQuietly(StateDirectory);
    }

    /// <summary>Deletes a test state directory; retried because a just-stopped server may still be flushing a file.</summary>
    internal static void DeleteQuietly(string directory)
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
