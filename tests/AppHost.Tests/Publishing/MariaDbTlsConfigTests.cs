using System.Net;
using System.Net.Sockets;
using MySqlConnector;
using Rollout.AppHost.Local;
using Rollout.AppHost.Local.Tls;
using Rollout.AppHost.Publishing.HostConfig;
using Rollout.ServiceDefaults.Connections;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Tests.Publishing;

/// <summary>The generated MariaDB option file, loaded by a real mariadbd: TLS sessions only, plain TCP refused.</summary>
public sealed class MariaDbTlsConfigTests
{
    [RootFact]
    public async Task Generated_option_file_makes_a_real_MariaDB_refuse_plain_connections_and_speak_TLS()
    {
        var server = PublishedEstate.Estate.Servers.First(s => s.Engine == Engine.MariaDb && !s.Existing);
        using var published = await PublishedEstate.PublishAsync();
        var account = ServerAccount.ForServerUser("mysql")!;
        var directory = Directory.CreateTempSubdirectory("rollout-mariadb-tls-").FullName;
        var port = FreePort();
        var started = false;
        try
        {
            var tlsDirectory = Path.Combine(directory, "tls");
            var ca = LocalCertificateAuthority.LoadOrCreate(tlsDirectory);
            var (certificate, key) = ca.IssueServerCertificate(server.Name, account);
            var expected = TlsMaterial.DefaultFor(Engine.MariaDb);
            File.Copy(ca.CertificatePath, Path.Combine(tlsDirectory, expected.CaFile));
            File.Copy(certificate, Path.Combine(tlsDirectory, expected.CertificateFile));
            File.Copy(key, Path.Combine(tlsDirectory, expected.KeyFile));
            var options = Path.Combine(directory, MariaDbServerConfig.FileName);
            var generated = published.Text($"{HostConfigWriter.Directory(server)}/{MariaDbServerConfig.FileName}");
            await File.WriteAllTextAsync(options, generated.Replace(expected.Directory, tlsDirectory, StringComparison.Ordinal));
            var data = Path.Combine(directory, "data");
            Directory.CreateDirectory(data);
            Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["-R", "mysql:mysql", directory])).ExitCode);
            var install = await ProcessRunner.RunAsync("mariadb-install-db", ["--no-defaults", "--user=mysql", $"--datadir={data}", "--auth-root-authentication-method=socket", "--skip-test-db", .. MariaDbTestTuning.Flags], timeout: TimeSpan.FromSeconds(120));
            Assert.True(install.ExitCode == 0, install.All);

            var socket = Path.Combine(directory, "mysqld.sock");
            // The generated file is the only option file; the command line only keeps the test on loopback and a free port.
            var start = new System.Diagnostics.ProcessStartInfo("/usr/sbin/mariadbd")
            {
                ArgumentList = { $"--defaults-file={options}", "--user=mysql", $"--datadir={data}", $"--socket={socket}", $"--port={port}",
                    "--bind-address=127.0.0.1", $"--pid-file={Path.Combine(directory, "mysqld.pid")}", $"--log-error={Path.Combine(directory, "error.log")}" },
                UseShellExecute = false,
            };
            foreach (var flag in MariaDbTestTuning.Flags) start.ArgumentList.Add(flag);
            var daemon = System.Diagnostics.Process.Start(start)!;
            started = true;
            try
            {
                await NetworkLab.WaitUntilAsync(async () => (await ProcessRunner.RunAsync("mariadb", ["--no-defaults", $"--socket={socket}", "-u", "root", "-e", "SELECT 1"])).ExitCode == 0 || daemon.HasExited,
                    "mariadbd with the generated option file", TimeSpan.FromSeconds(60));
                Assert.False(daemon.HasExited, "mariadbd refused the generated option file: " + await File.ReadAllTextAsync(Path.Combine(directory, "error.log")));
                var password = new Secret(Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)));
                // Deliberately without REQUIRE SSL: the server-wide setting alone must refuse plain TCP.
                var create = await ProcessRunner.RunAsync("mariadb", ["--no-defaults", $"--socket={socket}", "-u", "root", "-e", $"CREATE USER 'tls_probe'@'127.0.0.1' IDENTIFIED BY '{password.Reveal()}'"]);
                Assert.True(create.ExitCode == 0, create.All);

                var endpoint = new ServerEndpoint(server, "127.0.0.1", port, null, null, Path.Combine(tlsDirectory, expected.CaFile));
                await using (var connection = DatabaseConnectionFactory.MariaDb(endpoint, "tls_probe", password, null, new ConnectionOptions(Pooling: false)))
                {
                    await connection.OpenAsync();
                    await using var command = new MySqlCommand("SHOW SESSION STATUS LIKE 'Ssl_version'", connection);
                    await using var reader = await command.ExecuteReaderAsync();
                    Assert.True(await reader.ReadAsync());
                    Assert.Contains(reader.GetString(1), TlsMaterial.Protocols(PublishedEstate.Estate.Tls));
                }
                await using (var plain = DatabaseConnectionFactory.MariaDb(endpoint, "tls_probe", password, null, new ConnectionOptions(Pooling: false, RequireTls: false)))
                {
                    // Same account, same password, only TLS off: MariaDB 10.11 answers this with "Access denied" (1045).
                    var refused = await Assert.ThrowsAsync<MySqlException>(() => plain.OpenAsync());
                    Assert.Equal(MySqlErrorCode.AccessDenied, refused.ErrorCode);
                }
            }
            finally
            {
                daemon.Kill();
                await daemon.WaitForExitAsync();
            }
        }
        finally
        {
            if (started || Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
