using Rollout.AppHost.Publishing.HostConfig;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Tests.Publishing;

/// <summary>
/// The generated nftables rules, loaded into a database host's network namespace with real servers
/// listening, admit exactly the app server to the database port and the admin to SSH.
/// </summary>
public sealed class FirewallNamespaceTests
{
    private const int UnrelatedPort = 8080;

    [RootFact]
    public Task MariaDb_host_admits_the_app_server_to_a_real_MariaDB_and_drops_everyone_else() => RunMatrixAsync("external-mariadb", realMariaDb: true);

    [RootFact]
    public Task PostgreSql_host_admits_the_app_server_and_the_admin_and_drops_everyone_else() => RunMatrixAsync("external-postgres", realMariaDb: false);

    private static async Task RunMatrixAsync(string serverName, bool realMariaDb)
    {
        Assert.True(ProcessRunner.Exists("socat"), "the namespace firewall test needs socat for its listeners: apt-get install socat");
        var server = PublishedEstate.Estate.Server(serverName);
        var sshPort = PublishedEstate.Estate.Firewall.SshPort;
        string[] namespaces;
        var (lab, app, admin, outsider) = await NetworkLab.CreateAsync();
        await using (lab)
        {
            namespaces = [lab.DbHost, app.Namespace, admin.Namespace, outsider.Namespace];
            using var published = await PublishedEstate.PublishAsync(variables: new Dictionary<string, string>
            {
                ["PLESK_SERVER_IP"] = app.Address,
                ["ADMIN_IP_1"] = admin.Address,
                ["PG_ADMIN_USER"] = "rollout_admin",
            });
            var port = server.DefaultPort;
            using var mariaDb = realMariaDb ? await MariaDbInNamespace.StartAsync(lab, port, app.Address) : null;
            if (!realMariaDb) lab.Start(lab.DbHost, "socat", $"TCP-LISTEN:{port},fork,reuseaddr", "EXEC:/bin/true");
            lab.Start(lab.DbHost, "socat", $"TCP-LISTEN:{sshPort},fork,reuseaddr", "EXEC:/bin/true");
            lab.Start(lab.DbHost, "socat", $"TCP-LISTEN:{UnrelatedPort},fork,reuseaddr", "EXEC:/bin/true");

            // Without rules everyone gets through: the listeners are really there.
            foreach (var client in new[] { app, admin, outsider })
                foreach (var p in new[] { port, sshPort, UnrelatedPort })
                    await NetworkLab.WaitUntilAsync(() => NetworkLab.CanConnectAsync(client.Namespace, client.DbAddress, p),
                        $"{client.Namespace} → {client.DbAddress}:{p} before the firewall", TimeSpan.FromSeconds(20));

            var rules = published.PathOf($"{HostConfigWriter.Directory(server)}/{HostConfigWriter.NftablesFile}");
            var load = await NetworkLab.ExecAsync(lab.DbHost, "nft", "-f", rules);
            Assert.True(load.ExitCode == 0, load.All);
            var reload = await NetworkLab.ExecAsync(lab.DbHost, "nft", "-f", rules);
            Assert.True(reload.ExitCode == 0, "re-applying must replace the table: " + reload.All);
            var tables = await NetworkLab.ExecAsync(lab.DbHost, "nft", "list", "tables");
            Assert.Equal(["table inet " + NftablesRenderer.TableName], tables.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            var expected = new (NetworkLab.Client Client, int Port, bool Open)[]
            {
                (app, port, true), (app, sshPort, false), (app, UnrelatedPort, false),
                (admin, sshPort, true), (admin, port, false), (admin, UnrelatedPort, false),
                (outsider, port, false), (outsider, sshPort, false), (outsider, UnrelatedPort, false),
            };
            var outcomes = await Task.WhenAll(expected.Select(async e => (e, Connected: await NetworkLab.CanConnectAsync(e.Client.Namespace, e.Client.DbAddress, e.Port))));
            var wrong = outcomes.Where(o => o.Connected != o.e.Open)
                .Select(o => $"{o.e.Client.Address} → :{o.e.Port} {(o.Connected ? "connected" : "was refused")}, expected {(o.e.Open ? "open" : "dropped")}").ToList();
            Assert.True(wrong.Count == 0, string.Join("; ", wrong));

            if (mariaDb is not null)
            {
                var login = await mariaDb.QueryFromAsync(app, "SELECT CONCAT('ok-', 1)");
                Assert.True(login.ExitCode == 0 && login.Output.Contains("ok-1", StringComparison.Ordinal), "app server login: " + login.All);
                var outsiderLogin = await mariaDb.QueryFromAsync(outsider, "SELECT 1");
                Assert.NotEqual(0, outsiderLogin.ExitCode);
            }
        }
        foreach (var ns in namespaces)
            Assert.False(await NetworkLab.ExistsAsync(ns), $"namespace {ns} was not removed");
    }
}

/// <summary>A real mariadbd in the DB host namespace, with one probe account for the app server's address.</summary>
internal sealed class MariaDbInNamespace : IDisposable
{
    private const string ProbeUser = "fw_probe";
    private readonly string _directory;
    private readonly string _password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
    private readonly int _port;

    private MariaDbInNamespace(string directory, int port)
    {
        _directory = directory;
        _port = port;
    }

    private string Socket => Path.Combine(_directory, "mysqld.sock");

    public static async Task<MariaDbInNamespace> StartAsync(NetworkLab lab, int port, string appAddress)
    {
        var directory = Directory.CreateTempSubdirectory("rollout-fw-mariadb-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        var data = Path.Combine(directory, "data");
        Directory.CreateDirectory(data);
        var server = new MariaDbInNamespace(directory, port);
        try
        {
            // mariadbd runs as mysql and writes its socket, pid and log next to the data.
            Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["-R", "mysql:mysql", directory])).ExitCode);
            var install = await ProcessRunner.RunAsync("mariadb-install-db", ["--no-defaults", "--user=mysql", $"--datadir={data}",
                "--auth-root-authentication-method=socket", "--skip-test-db", .. MariaDbTestTuning.Flags], timeout: TimeSpan.FromSeconds(120));
            Assert.True(install.ExitCode == 0, install.All);
            lab.Start(lab.DbHost, ["/usr/sbin/mariadbd", "--no-defaults", "--user=mysql", $"--datadir={data}", $"--socket={server.Socket}",
                $"--port={port}", "--bind-address=0.0.0.0", "--skip-name-resolve", $"--pid-file={Path.Combine(directory, "mysqld.pid")}",
                $"--log-error={Path.Combine(directory, "error.log")}", "--skip-log-bin", .. MariaDbTestTuning.Flags]);
            try
            {
                await NetworkLab.WaitUntilAsync(async () => (await server.LocalAsync("SELECT 1")).ExitCode == 0, "mariadbd to accept socket logins", TimeSpan.FromSeconds(90));
            }
            catch (TimeoutException e)
            {
                var log = Path.Combine(directory, "error.log");
                throw new TimeoutException(e.Message + ": " + (File.Exists(log) ? await File.ReadAllTextAsync(log) : "no error log"), e);
            }
            var create = await server.LocalAsync($"CREATE USER '{ProbeUser}'@'{appAddress}' IDENTIFIED BY '{server._password}'");
            Assert.True(create.ExitCode == 0, create.All);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private Task<ProcessRunner.Result> LocalAsync(string sql) =>
        ProcessRunner.RunAsync("mariadb", ["--no-defaults", $"--socket={Socket}", "-u", "root", "-N", "-e", sql]);

    public Task<ProcessRunner.Result> QueryFromAsync(NetworkLab.Client client, string sql) =>
        NetworkLab.ExecAsync(client.Namespace, "mariadb", "--no-defaults", "--protocol=tcp", "-h", client.DbAddress, "-P", _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-u", ProbeUser, $"--password={_password}", "--connect-timeout=3", "--skip-ssl", "-N", "-e", sql);

    public void Dispose()
    {
        // The process runs in the lab's namespace and is killed with it; only the files are ours to remove here.
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Small InnoDB settings and no io_uring for test servers: several run at once on a 2-core machine next to other helpers' stacks.</summary>
internal static class MariaDbTestTuning
{
    public static readonly string[] Flags = ["--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M", "--innodb-flush-log-at-trx-commit=2", "--innodb-use-native-aio=0"];
}
