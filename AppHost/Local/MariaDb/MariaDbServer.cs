using MySqlConnector;
using Rollout.AppHost.Local.Tls;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Local;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Local.MariaDb;

/// <summary>
/// A local MariaDB 10.11 (Debian's mariadbd): data directory copied from a once-initialised
/// template, TLS required, and the admin account rollout_admin@127.0.0.1/localhost (ALL WITH GRANT
/// OPTION, REQUIRE SSL) ensured at every start through --init-file (a 0600 file holding only the
/// password hash, deleted once the server is up). The existing (Plesk) server is then seeded by
/// <see cref="PleskReplicaSeeder"/>.
/// </summary>
public sealed class MariaDbServer(ServerSpec server, string host, int port, LocalServerContext context)
    : LocalServer(server, host, port, context, "mysql")
{
    public static readonly string[] AdminHosts = ["127.0.0.1", "localhost"];

    private Secret? _adminPassword;

    private string InitFile => Path.Combine(RunDirectory, "init.sql");

    private string ConfigFile => Path.Combine(ConfigDirectory, "my.cnf");

    public override (string Path, string Option) Program => (Context.Binaries.MariaDbServer, "--mariadbd");

    protected override async Task PrepareDataAsync(CancellationToken cancellationToken)
    {
        ServerBinaries.Require(Context.Binaries.MariaDbInstallDb, Engine.MariaDb, Server.Name, "--mariadbd (mariadb-install-db)");
        if (!Directory.Exists(Path.Combine(DataDirectory, "mysql")))
        {
            var template = await Context.TemplateAsync(MariaDbTemplate.Name,
                ct => MariaDbTemplate.CreateAsync(Context.Binaries, Account, Context.Layout.Log("mariadb-install-db"), ct), Account, LogPath, cancellationToken);
            await LocalServerContext.CopyTemplateAsync(template, DataDirectory, Account, LogPath, finishAsync: null, cancellationToken);
        }

        var (certificate, key) = Context.CertificateAuthority.IssueServerCertificate(Server.Name, Account);
        var socket = Path.Combine(RunDirectory, "mariadb.sock");
        if (socket.Length > 100) socket = Path.Combine(Path.GetTempPath(), $"rollout-{Environment.ProcessId}-{Server.Name}.sock");
        await WriteConfigAsync(ConfigFile, MariaDbConfiguration.Render(Host, Port,
            new(DataDirectory, socket, Path.Combine(RunDirectory, "mariadb.pid"), certificate, key, Context.CertificateAuthority.CertificatePath)),
            Account, cancellationToken);

        _adminPassword = await Context.EnsureSecretAsync(LocalSecretNames.AdminPassword(Server.Name), cancellationToken);
        var statements = AdminHosts.SelectMany(h => MariaDbSql.EnsureUser(LocalSecretNames.AdminUser, h, _adminPassword)
            .Append($"GRANT ALL PRIVILEGES ON *.* TO {MariaDbSql.Account(LocalSecretNames.AdminUser, h)} WITH GRANT OPTION"));
        LocalCertificateAuthority.WriteSecretFile(InitFile, string.Join(";\n", statements) + ";\n", Account);
    }

    protected override IReadOnlyList<string> Arguments => [$"--defaults-file={ConfigFile}", $"--init-file={InitFile}"];

    /// <summary>The admin endpoint, verified against the local CA: internal to the AppHost for the existing server.</summary>
    public ServerEndpoint AdminEndpoint => new(Server, Host, Port, LocalSecretNames.AdminUser,
        _adminPassword ?? throw new InvalidOperationException($"'{Server.Name}' has not been started."), Context.CertificateAuthority.CertificatePath);

    public MySqlConnection OpenAdminConnection() =>
        DatabaseConnectionFactory.MariaDb(AdminEndpoint, LocalSecretNames.AdminUser, _adminPassword!, null,
            new ConnectionOptions(Pooling: false, ConnectTimeoutSeconds: 5, ApplicationName: "rollout-apphost"));

    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        if (_adminPassword is null) return false;
        try
        {
            await using var connection = OpenAdminConnection();
            await connection.OpenAsync(cancellationToken);
            await using var command = new MySqlCommand("SHOW SESSION STATUS LIKE 'Ssl_cipher'", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var encrypted = await reader.ReadAsync(cancellationToken) && reader.GetString(1).Length > 0;
            if (encrypted && File.Exists(InitFile)) File.Delete(InitFile);
            return encrypted;
        }
        catch (MySqlException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    public override async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (!Server.Existing) return;
        await using var connection = OpenAdminConnection();
        await connection.OpenAsync(cancellationToken);
        await new PleskReplicaSeeder(Context).SeedAsync(connection, Server, cancellationToken);
    }
}
