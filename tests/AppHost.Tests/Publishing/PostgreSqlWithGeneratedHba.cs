using System.Net;
using System.Net.Sockets;
using Rollout.AppHost.Local;
using Rollout.AppHost.Local.Tls;
using Rollout.AppHost.Publishing.HostConfig;

namespace Rollout.AppHost.Tests.Publishing;

/// <summary>
/// A real PostgreSQL 15 in a temporary directory, running as the postgres user, with TLS from a
/// throwaway CA (the AppHost's LocalCertificateAuthority), the generated TLS settings and the
/// generated pg_hba.conf. Only loopback is listened on; stopped and removed on dispose.
/// </summary>
internal sealed class PostgreSqlWithGeneratedHba : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _directory;
    private readonly ServerAccount _account;
    private bool _started;

    private PostgreSqlWithGeneratedHba(string directory, ServerAccount account, int port)
    {
        _directory = directory;
        _account = account;
        Port = port;
    }

    public int Port { get; }

    public string CaCertificate => Path.Combine(_directory, "tls", "root.crt");

    private string Data => Path.Combine(_directory, "data");

    public static async Task<PostgreSqlWithGeneratedHba> StartAsync(PublishedEstate published, string serverName)
    {
        var account = ServerAccount.ForServerUser("postgres")!;
        var directory = Directory.CreateTempSubdirectory("rollout-pghba-").FullName;
        var server = new PostgreSqlWithGeneratedHba(directory, account, FreePort());
        try
        {
            ServerAccount.Own(account, directory);
            var tlsDirectory = Path.Combine(directory, "tls");
            Directory.CreateDirectory(tlsDirectory);
            ServerAccount.Own(account, tlsDirectory);
            var ca = LocalCertificateAuthority.LoadOrCreate(tlsDirectory);
            var (certificate, key) = ca.IssueServerCertificate(serverName, account);

            var init = await server.AsPostgresAsync($"{Bin}/initdb", "-D", server.Data, "-U", "postgres", "--auth-local=peer", "--auth-host=reject", "-E", "UTF8", "--no-instructions");
            Assert.True(init.ExitCode == 0, init.All);

            // The generated files, as the README says to install them; only the TLS paths point at the throwaway material.
            var hostDirectory = HostConfigWriter.Directory(PublishedEstate.Estate.Server(serverName));
            var hba = Path.Combine(directory, "pg_hba.conf");
            File.Copy(published.PathOf($"{hostDirectory}/{PostgreSqlServerConfig.HbaFileName}"), hba);
            ServerAccount.Own(account, hba);
            // Under the file names the generated settings expect (root.crt, server.crt, server.key).
            var expected = TlsMaterial.DefaultFor(Topology.Model.Engine.PostgreSql);
            foreach (var (from, to) in new[] { (ca.CertificatePath, expected.CaFile), (certificate, expected.CertificateFile), (key, expected.KeyFile) })
            {
                var target = Path.Combine(tlsDirectory, to);
                File.Copy(from, target);
                ServerAccount.Own(account, target);
            }
            var conf = Path.Combine(directory, PostgreSqlServerConfig.ConfFileName);
            var generatedConf = published.Text($"{hostDirectory}/{PostgreSqlServerConfig.ConfFileName}");
            await File.WriteAllTextAsync(conf, generatedConf.Replace(TlsMaterial.DefaultFor(Topology.Model.Engine.PostgreSql).Directory, tlsDirectory, StringComparison.Ordinal));
            ServerAccount.Own(account, conf);
            await File.AppendAllTextAsync(Path.Combine(server.Data, "postgresql.conf"),
                $"\ninclude '{conf}'\n" +
                // Test-only overrides after the include: loopback only, a free port, our own socket directory.
                $"listen_addresses = '127.0.0.1'\nport = {server.Port}\nunix_socket_directories = '{directory}'\nhba_file = '{hba}'\n");

            var start = await server.AsPostgresAsync($"{Bin}/pg_ctl", "-D", server.Data, "-l", Path.Combine(directory, "postgres.log"), "-w", "-t", "60", "start");
            server._started = start.ExitCode == 0;
            Assert.True(server._started, start.All + await File.ReadAllTextAsync(Path.Combine(directory, "postgres.log")));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>SQL as the postgres superuser over the Unix socket (the generated `local all postgres peer` line).</summary>
    public async Task SqlAsync(params string[] statements)
    {
        // One -c per statement: each runs on its own (CREATE DATABASE refuses a transaction block).
        var result = await AsPostgresAsync("/usr/bin/psql", ["-h", _directory, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-X", "-q", .. statements.SelectMany(s => new[] { "-c", s })]);
        Assert.True(result.ExitCode == 0, result.All);
    }

    public string Log => File.ReadAllText(Path.Combine(_directory, "postgres.log"));

    private Task<ProcessRunner.Result> AsPostgresAsync(string program, params string[] arguments) =>
        ProcessRunner.RunAsync("setpriv", [.. _account.SetprivArguments(), "--", program, .. arguments], workingDirectory: _directory, timeout: TimeSpan.FromSeconds(90));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_started) await AsPostgresAsync($"{Bin}/pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
