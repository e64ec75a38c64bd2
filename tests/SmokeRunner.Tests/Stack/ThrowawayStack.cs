using System.Security.Cryptography;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Tests.Stack;

/// <summary>
/// TEST-ONLY stand-in for the AppHost's testing builder (branch apphost-runtime) until it lands:
/// starts the local environment's servers as real processes (MariaDB ×2, PostgreSQL, Redis) in a
/// temp directory on free ports, with TLS from a throwaway CA, an admin account per managed server
/// (rollout_admin, password in the local secret store) and the Plesk stand-in seeded the way the
/// AppHost seeds it. Writes resources.json so the SmokeRunner binds `local` exactly as in real use.
/// </summary>
internal sealed class ThrowawayStack : IAsyncDisposable
{
    private const string MariaDbBin = "/usr/sbin/mariadbd";
    private const string PostgresBin = "/usr/lib/postgresql/15/bin";

    private ThrowawayStack(string root, Estate estate)
    {
        Root = root;
        Estate = estate;
        StateDirectory = Path.Combine(root, "state");
        Directory.CreateDirectory(StateDirectory);
        Secrets = LocalSecretStore.InStateDirectory(StateDirectory);
    }

    public string Root { get; }
    public Estate Estate { get; }
    public string StateDirectory { get; }
    public LocalSecretStore Secrets { get; }
    public Dictionary<string, ThrowawayServer> Servers { get; } = [];
    private TestCertificates.Files Certificates { get; set; } = null!;

    public static async Task<ThrowawayStack> StartAsync(Estate estate, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), "rollout-smoke-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        var stack = new ThrowawayStack(root, estate);
        try
        {
            stack.Certificates = TestCertificates.Write(root);
            foreach (var file in new[] { stack.Certificates.CaCertificate, stack.Certificates.ServerCertificate })
                File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("644", 8));
            var local = estate.Environments.First(e => e.Kind == EnvironmentKind.Local);
            await Task.WhenAll(estate.EnabledServers(local).Select(s => stack.StartServerAsync(s, cancellationToken)));
            await stack.WriteSnapshotAsync(cancellationToken);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    public async Task WriteSnapshotAsync(CancellationToken cancellationToken) =>
        await new ResourceSnapshot(StateDirectory, Certificates.CaCertificate, Environment.ProcessId,
            Servers.Values.Select(s => new ResourceState(s.Name, s.Kind, s.Pid is null ? "Exited" : "Running", "127.0.0.1", s.Port, s.Pid, null)).ToList())
            .WriteAsync(cancellationToken);

    private async Task StartServerAsync(ServerSpec server, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Root, server.Name);
        Directory.CreateDirectory(directory);
        switch (server.Engine)
        {
            case Engine.MariaDb: await StartMariaDbAsync(server, directory, cancellationToken); break;
            case Engine.PostgreSql: await StartPostgreSqlAsync(server, directory, cancellationToken); break;
            default:
                var redis = new ThrowawayServer(server.Name, "redis", directory, ThrowawayServer.FreePort(), null,
                    s => ["redis-server", "--port", s.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", s.Directory]);
                lock (Servers) Servers[server.Name] = redis;
                redis.Start();
                await redis.WaitUntilListeningAsync(cancellationToken);
                break;
        }
    }

    private string PrivateKeyFor(string directory, string systemUser)
    {
        var key = Path.Combine(directory, "server.key");
        File.Copy(Certificates.ServerKey, key, overwrite: true);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        TestProcess.Chown(directory, systemUser);
        return key;
    }

    private async Task StartMariaDbAsync(ServerSpec server, string directory, CancellationToken cancellationToken)
    {
        var data = Path.Combine(directory, "data");
        TestProcess.Chown(directory, "mysql");
        var key = PrivateKeyFor(directory, "mysql");
        await TestProcess.RunAsync(TestProcess.As("mysql", "mariadb-install-db",
            ["--no-defaults", $"--datadir={data}", "--auth-root-authentication-method=normal", "--skip-test-db", "--innodb-buffer-pool-size=32M"]), cancellationToken);
        var mariadb = new ThrowawayServer(server.Name, "mariadb", directory, ThrowawayServer.FreePort(), "mysql", s =>
        [
            MariaDbBin, "--no-defaults", $"--datadir={data}", $"--port={s.Port}", "--bind-address=127.0.0.1",
            $"--socket={Path.Combine(directory, "sock")}", $"--pid-file={Path.Combine(directory, "pid")}", "--skip-name-resolve",
            $"--ssl-ca={Certificates.CaCertificate}", $"--ssl-cert={Certificates.ServerCertificate}", $"--ssl-key={key}",
            "--require-secure-transport=ON", "--tls-version=TLSv1.2,TLSv1.3", "--innodb-buffer-pool-size=32M",
            "--performance-schema=OFF", "--skip-log-bin", $"--log-error={s.LogPath}",
        ]);
        lock (Servers) Servers[server.Name] = mariadb;
        mariadb.Start();
        await mariadb.WaitUntilListeningAsync(cancellationToken);
        var sql = server.Existing ? await PleskSeedAsync(server, cancellationToken) : await AdminAccountSqlAsync(server, "'rollout_admin'@'127.0.0.1'", cancellationToken);
        await RetryAsync(() => TestProcess.RunAsync(["mariadb", "--no-defaults", "-S", Path.Combine(directory, "sock"), "-uroot"], cancellationToken, sql), cancellationToken);
    }

    private async Task<string> AdminAccountSqlAsync(ServerSpec server, string account, CancellationToken cancellationToken)
    {
        var password = NewPassword();
        await Secrets.SetAsync(LocalSecretNames.AdminPassword(server.Name), new Secret(password), cancellationToken);
        return $"CREATE USER {account} IDENTIFIED BY '{password}' REQUIRE SSL; GRANT ALL ON *.* TO {account} WITH GRANT OPTION;";
    }

    /// <summary>What the AppHost's PleskReplicaSeeder does: the plan's existing databases, users at localhost and 127.0.0.1.</summary>
    private async Task<string> PleskSeedAsync(ServerSpec server, CancellationToken cancellationToken)
    {
        var local = Estate.Environments.First(e => e.Kind == EnvironmentKind.Local);
        var privileges = string.Join(", ", Estate.Grants.MariaDb);
        var sql = new System.Text.StringBuilder();
        foreach (var database in Estate.EnabledDatabases(local).Where(d => d.ServerName == server.Name))
        {
            var password = NewPassword();
            await Secrets.SetAsync(database.PasswordSecretName, new Secret(password), cancellationToken);
            sql.Append($"CREATE DATABASE `{database.Name}`;");
            foreach (var host in new[] { database.UserHost ?? "localhost", "127.0.0.1" }.Distinct())
                sql.Append($"CREATE USER '{database.User}'@'{host}' IDENTIFIED BY '{password}' REQUIRE SSL; GRANT {privileges} ON `{database.Name.Replace("_", "\\_")}`.* TO '{database.User}'@'{host}';");
        }
        return sql.ToString();
    }

    private async Task StartPostgreSqlAsync(ServerSpec server, string directory, CancellationToken cancellationToken)
    {
        var data = Path.Combine(directory, "data");
        TestProcess.Chown(directory, "postgres");
        var key = PrivateKeyFor(directory, "postgres");
        await TestProcess.RunAsync(TestProcess.As("postgres", $"{PostgresBin}/initdb",
            ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"]), cancellationToken);
        // The AppHost's pg_hba: TLS + SCRAM from 127.0.0.1 only; the local socket is for this bootstrap.
        await File.WriteAllTextAsync(Path.Combine(data, "pg_hba.conf"), """
            local      all  postgres               trust
            hostssl    all  all       127.0.0.1/32 scram-sha-256
            hostnossl  all  all       0.0.0.0/0    reject
            """, cancellationToken);
        var postgres = new ThrowawayServer(server.Name, "postgresql", directory, ThrowawayServer.FreePort(), "postgres", s =>
        [
            $"{PostgresBin}/postgres", "-D", data, "-p", s.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", directory,
            "-c", "listen_addresses=127.0.0.1", "-c", "ssl=on", "-c", $"ssl_cert_file={Certificates.ServerCertificate}",
            "-c", $"ssl_key_file={key}", "-c", "ssl_min_protocol_version=TLSv1.2", "-c", "password_encryption=scram-sha-256",
            "-c", "fsync=off", "-c", "shared_buffers=16MB", "-c", "max_connections=200",
        ]);
        lock (Servers) Servers[server.Name] = postgres;
        postgres.Start();
        await postgres.WaitUntilListeningAsync(cancellationToken);
        var password = NewPassword();
        await Secrets.SetAsync(LocalSecretNames.AdminPassword(server.Name), new Secret(password), cancellationToken);
        await RetryAsync(() => TestProcess.RunAsync(TestProcess.As("postgres", "psql",
            ["-h", directory, "-p", postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres"]),
            cancellationToken, $"CREATE ROLE rollout_admin SUPERUSER LOGIN PASSWORD '{password}';"), cancellationToken);
    }

    private static async Task RetryAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { await action(); return; }
            catch (InvalidOperationException) when (attempt < 50) { await Task.Delay(200, cancellationToken); }
        }
    }

    public static string NewPassword() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Servers.Values.Select(s => s.StopAsync()));
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
