using Npgsql;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Local;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Local.PostgreSql;

/// <summary>
/// A local PostgreSQL 15: data directory copied from the pristine initdb template
/// (<see cref="PostgreSqlTemplate"/>), superuser rollout_admin's SCRAM password set on the copy, TLS only,
/// and the production pg_hba (<see cref="PostgreSqlConfiguration.HostBasedAuthentication"/>: each service
/// role to its own database only), run as `postgres` when root.
/// Stopped with SIGINT (fast shutdown: does not wait for clients), which the launch wrapper turns SIGTERM into.
/// </summary>
public sealed class PostgreSqlServer(ServerSpec server, string host, int port, LocalServerContext context, EnvironmentSpec environment)
    : LocalServer(server, host, port, context, "postgres")
{
    private Secret? _adminPassword;

    private string HbaPath => Path.Combine(DataDirectory, "pg_hba.conf");

    public override (string Path, string Option) Program => (Context.Binaries.PostgreSqlServer, "--postgres");

    protected override bool InterruptOnTerminate => true;

    protected override async Task PrepareDataAsync(CancellationToken cancellationToken)
    {
        ServerBinaries.Require(Context.Binaries.PostgreSqlInitDb, Engine.PostgreSql, Server.Name, "--postgres (initdb next to it)");
        await LocalePrerequisite.EnsureAsync(Context.Estate, cancellationToken);
        _adminPassword = await Context.EnsureSecretAsync(LocalSecretNames.AdminPassword(Server.Name), cancellationToken);
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            await InitializeAsync(cancellationToken);

        var (certificate, key) = Context.CertificateAuthority.IssueServerCertificate(Server.Name, Account);
        await WriteConfigAsync(Path.Combine(DataDirectory, "rollout.conf"),
            PostgreSqlConfiguration.Render(Host, Port, certificate, key, Context.CertificateAuthority.CertificatePath), Account, cancellationToken);
        // Written before the server starts, so it is read at start-up: no reload needed here.
        await WriteConfigAsync(HbaPath, HostBasedAuthentication([]), Account, cancellationToken);
    }

    private string HostBasedAuthentication(IReadOnlyList<string> additionalAdminRoles) =>
        PostgreSqlConfiguration.HostBasedAuthentication(Context.Estate, environment, Server, [LocalSecretNames.AdminUser, .. additionalAdminRoles]);

    /// <summary>
    /// Rewrites pg_hba.conf of the running server with further admin roles besides rollout_admin (as the published
    /// file of an environment whose PG_ADMIN_USER names another role has; [] goes back to the start-up file) and
    /// reloads it, returning once new sessions authenticate with it. A file PostgreSQL would not load is put back.
    /// </summary>
    public async Task AdmitAdminRolesAsync(IReadOnlyList<string> additionalAdminRoles, CancellationToken cancellationToken)
    {
        var previous = await File.ReadAllTextAsync(HbaPath, cancellationToken);
        await WriteConfigAsync(HbaPath, HostBasedAuthentication(additionalAdminRoles), Account, cancellationToken);
        try
        {
            await ReloadHbaAsync(cancellationToken);
        }
        catch (LocalServerException)
        {
            // The server keeps its loaded rules when a reload fails; the file on disk must say the same.
            await WriteConfigAsync(HbaPath, previous, Account, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Reloads the configuration and waits (as long as <paramref name="cancellationToken"/> allows) until new sessions use it.</summary>
    private async Task ReloadHbaAsync(CancellationToken cancellationToken)
    {
        var options = new ConnectionOptions(Pooling: false, ConnectTimeoutSeconds: 5, ApplicationName: "rollout-apphost");
        await using var connection = DatabaseConnectionFactory.PostgreSql(AdminEndpoint, LocalSecretNames.AdminUser, _adminPassword!, "postgres", options);
        await connection.OpenAsync(cancellationToken);
        // pg_hba_file_rules parses the file on disk as a reload would; a reload of a bad file only logs and keeps the old rules.
        await using (var check = new NpgsqlCommand(
            "SELECT string_agg(format('line %s: %s', line_number, error), '; ' ORDER BY line_number) FROM pg_hba_file_rules WHERE error IS NOT NULL", connection))
        {
            if (await check.ExecuteScalarAsync(cancellationToken) is string errors)
                throw new LocalServerException($"'{Server.Name}': pg_hba.conf was not reloaded, PostgreSQL would refuse it ({errors}); the previous file stays in force.");
        }
        await using var reload = new NpgsqlCommand("SELECT pg_conf_load_time(), pg_reload_conf()", connection);
        DateTime loadedBefore;
        await using (var reader = await reload.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            loadedBefore = reader.GetDateTime(0);
        }
        // The postmaster re-reads its files on SIGHUP, after pg_reload_conf() returns; a session forked after that
        // carries the postmaster's new load time (and its new pg_hba rules).
        while (true)
        {
            await using var probe = DatabaseConnectionFactory.PostgreSql(AdminEndpoint, LocalSecretNames.AdminUser, _adminPassword!, "postgres", options);
            await probe.OpenAsync(cancellationToken);
            await using var loaded = new NpgsqlCommand("SELECT pg_conf_load_time() > $1", probe) { Parameters = { new() { Value = loadedBefore } } };
            if (await loaded.ExecuteScalarAsync(cancellationToken) is true) return;
            await Task.Delay(20, cancellationToken);
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var template = await Context.TemplateAsync(PostgreSqlTemplate.Name,
            ct => PostgreSqlTemplate.CreateAsync(Context.Binaries, Account, LogPath, ct), Account, LogPath, cancellationToken);
        await LocalServerContext.CopyTemplateAsync(template, DataDirectory, Account, LogPath,
            (copy, ct) => PostgreSqlTemplate.SetAdminPasswordAsync(Context.Binaries, copy, _adminPassword!, Account, RunDirectory, LogPath, ct),
            cancellationToken);
    }

    protected override IReadOnlyList<string> Arguments => ["-D", DataDirectory];

    public ServerEndpoint AdminEndpoint => new(Server, Host, Port, LocalSecretNames.AdminUser,
        _adminPassword ?? throw new InvalidOperationException($"'{Server.Name}' has not been started."), Context.CertificateAuthority.CertificatePath);

    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        if (_adminPassword is null) return false;
        try
        {
            await using var connection = DatabaseConnectionFactory.PostgreSql(AdminEndpoint, LocalSecretNames.AdminUser, _adminPassword, "postgres",
                new ConnectionOptions(Pooling: false, ConnectTimeoutSeconds: 5, ApplicationName: "rollout-apphost"));
            await connection.OpenAsync(cancellationToken);
            // Ready means: accepting TLS logins and out of recovery (not a restart window).
            await using var command = new NpgsqlCommand(
                "SELECT NOT pg_is_in_recovery() AND (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())", connection);
            return await command.ExecuteScalarAsync(cancellationToken) is true;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or System.Net.Sockets.SocketException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
