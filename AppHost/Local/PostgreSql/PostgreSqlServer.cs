using Npgsql;
using Rollout.AppHost.Local.Processes;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Local;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Local.PostgreSql;

/// <summary>
/// A local PostgreSQL 15: data directory copied from the pristine initdb template
/// (<see cref="PostgreSqlTemplate"/>), superuser rollout_admin's SCRAM password set on the copy, TLS only (pg_hba hostssl lines, hostnossl rejected), run as `postgres` when root.
/// Stopped with SIGINT (fast shutdown: does not wait for clients).
/// </summary>
public sealed class PostgreSqlServer(ServerSpec server, string host, int port, LocalServerContext context)
    : LocalServer(server, host, port, context, "postgres")
{
    private Secret? _adminPassword;

    protected override (string Path, string Option) Program => (Context.Binaries.PostgreSqlServer, "--postgres");

    protected override Signal StopSignal => Signal.Interrupt;

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        ServerBinaries.Require(Context.Binaries.PostgreSqlInitDb, Engine.PostgreSql, Server.Name, "--postgres (initdb next to it)");
        await LocalePrerequisite.EnsureAsync(Context.Estate, cancellationToken);
        _adminPassword = await Context.EnsureSecretAsync(LocalSecretNames.AdminPassword(Server.Name), cancellationToken);
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            await InitializeAsync(cancellationToken);

        var (certificate, key) = Context.CertificateAuthority.IssueServerCertificate(Server.Name, Account);
        await WriteConfigAsync(Path.Combine(DataDirectory, "rollout.conf"),
            PostgreSqlConfiguration.Render(Host, Port, certificate, key, Context.CertificateAuthority.CertificatePath), Account, cancellationToken);
        await WriteConfigAsync(Path.Combine(DataDirectory, "pg_hba.conf"), PostgreSqlConfiguration.HostBasedAuthentication(), Account, cancellationToken);
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var template = await Context.TemplateAsync(PostgreSqlTemplate.Name,
            ct => PostgreSqlTemplate.CreateAsync(Context.Binaries, Account, LogPath, ct), Account, LogPath, cancellationToken);
        await LocalServerContext.CopyTemplateAsync(template, DataDirectory, Account, LogPath,
            (copy, ct) => PostgreSqlTemplate.SetAdminPasswordAsync(Context.Binaries, copy, _adminPassword!, Account, RunDirectory, LogPath, ct),
            cancellationToken);
    }

    protected override LaunchSpec CreateLaunchSpec() =>
        new(Context.Binaries.PostgreSqlServer, ["-D", DataDirectory], LogPath, Account, StopSignal);

    public ServerEndpoint AdminEndpoint => new(Server, Host, Port, LocalSecretNames.AdminUser,
        _adminPassword ?? throw new InvalidOperationException($"'{Server.Name}' has not been started."), Context.CertificateAuthority.CertificatePath);

    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        if (HasExited || _adminPassword is null) return false;
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
