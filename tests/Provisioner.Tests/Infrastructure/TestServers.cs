using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Rollout.Provisioner.Tests.Infrastructure;

/// <summary>
/// Real MariaDB 10.11 and PostgreSQL 15 server processes for the Provisioner's tests, on free ports
/// in a private temporary directory, TLS from a throw-away CA. Stopped by pid and removed on dispose.
/// </summary>
public sealed class TestServerProcess(string name, Process process, int port, string? socket) : IAsyncDisposable
{
    public string Name { get; } = name;
    public int Port { get; } = port;
    public string? Socket { get; } = socket;
    public int Pid => process.Id;

    public async ValueTask DisposeAsync()
    {
        if (process.HasExited) return;
        await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
        }
    }
}

public static class TestServers
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task CreateCertificatesAsync(string directory)
    {
        string P(string f) => Path.Combine(directory, f);
        await ProcessRunner.RunCheckedAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", P("ca.key"), "-out", P("ca.pem"), "-days", "2", "-subj", "/CN=rollout-provisioner-tests-ca");
        await ProcessRunner.RunCheckedAsync("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", P("server.key"), "-out", P("server.csr"), "-subj", "/CN=127.0.0.1");
        await File.WriteAllTextAsync(P("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        await ProcessRunner.RunCheckedAsync("openssl", "x509", "-req", "-in", P("server.csr"), "-CA", P("ca.pem"), "-CAkey", P("ca.key"), "-CAcreateserial", "-out", P("server.pem"), "-days", "2", "-extfile", P("ext.cnf"));
        foreach (var file in new[] { "ca.pem", "server.pem", "server.key" })
            File.SetUnixFileMode(P(file), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    public static async Task<TestServerProcess> StartMariaDbAsync(string name, string baseDirectory, string certificates)
    {
        var directory = Path.Combine(baseDirectory, name);
        // A private tmpdir: bootstraps running at the same time (other test runs) collide on /tmp/#sql-temptable-* names.
        Directory.CreateDirectory(Path.Combine(directory, "tmp"));
        await ProcessRunner.RunCheckedAsync("chown", "-R", "mysql:mysql", directory);
        var data = Path.Combine(directory, "data");
        var socket = Path.Combine(directory, "mysqld.sock");
        var port = FreePort();
        var config = Path.Combine(directory, "my.cnf");
        await File.WriteAllTextAsync(config, string.Join('\n',
            "[mariadbd]", $"datadir={data}", "bind-address=127.0.0.1", $"port={port.ToString(CultureInfo.InvariantCulture)}", $"socket={socket}",
            $"pid-file={Path.Combine(directory, "mysqld.pid")}", $"log-error={Path.Combine(directory, "error.log")}", "skip_name_resolve=ON", $"tmpdir={Path.Combine(directory, "tmp")}",
            $"ssl_cert={Path.Combine(certificates, "server.pem")}", $"ssl_key={Path.Combine(certificates, "server.key")}", $"ssl_ca={Path.Combine(certificates, "ca.pem")}",
            "require_secure_transport=ON", "performance_schema=OFF", "innodb_buffer_pool_size=32M", "innodb_log_file_size=16M",
            "innodb_flush_log_at_trx_commit=2", "innodb_doublewrite=0", "max_connections=300", "user=mysql", "") );
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var install = await ProcessRunner.RunAsync("mariadb-install-db", [$"--defaults-file={config}", "--user=mysql", "--auth-root-authentication-method=socket", "--skip-test-db"]);
        if (install.ExitCode != 0)
        {
            var log = Path.Combine(directory, "error.log");
            throw new InvalidOperationException($"mariadb-install-db for {name} failed: {(File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(15)) : install.All)}");
        }
        var process = Process.Start(new ProcessStartInfo("/usr/sbin/mariadbd", [$"--defaults-file={config}"]) { UseShellExecute = false })!;
        var server = new TestServerProcess(name, process, port, socket);
        await WaitAsync(name, process, async () => (await ProcessRunner.RunAsync("mariadb", [$"--socket={socket}", "-e", "SELECT 1"])).ExitCode == 0);
        return server;
    }

    public static async Task<TestServerProcess> StartPostgreSqlAsync(string name, string baseDirectory, string certificates, string adminUser, string adminPassword)
    {
        var directory = Path.Combine(baseDirectory, name);
        Directory.CreateDirectory(directory);
        var data = Path.Combine(directory, "data");
        var passwordFile = Path.Combine(directory, "pw");
        await File.WriteAllTextAsync(passwordFile, adminPassword);
        await ProcessRunner.RunCheckedAsync("chown", "-R", "postgres:postgres", directory);
        await ProcessRunner.RunCheckedAsync("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "/usr/lib/postgresql/15/bin/initdb",
            "-D", data, $"--username={adminUser}", $"--pwfile={passwordFile}", "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8");
        File.Delete(passwordFile);
        foreach (var file in new[] { "server.pem", "server.key" })
        {
            File.Copy(Path.Combine(certificates, file), Path.Combine(data, file), overwrite: true);
            await ProcessRunner.RunCheckedAsync("chown", "postgres:postgres", Path.Combine(data, file));
            File.SetUnixFileMode(Path.Combine(data, file), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var port = FreePort();
        await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"), string.Join('\n',
            "", $"port = {port.ToString(CultureInfo.InvariantCulture)}", "listen_addresses = '127.0.0.1'", $"unix_socket_directories = '{directory}'",
            "ssl = on", "ssl_cert_file = 'server.pem'", "ssl_key_file = 'server.key'", "ssl_min_protocol_version = 'TLSv1.2'",
            "max_connections = 200", "shared_buffers = 32MB", "fsync = off", "synchronous_commit = off", ""));
        await File.WriteAllTextAsync(Path.Combine(data, "pg_hba.conf"), "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n");
        var process = Process.Start(new ProcessStartInfo("setpriv",
            ["--reuid=postgres", "--regid=postgres", "--init-groups", "/usr/lib/postgresql/15/bin/postgres", "-D", data])
        { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new TestServerProcess(name, process, port, directory);
        await WaitAsync(name, process, async () => (await ProcessRunner.RunAsync("psql", ["-h", directory, "-p", port.ToString(CultureInfo.InvariantCulture), "-U", adminUser, "-d", "postgres", "-c", "SELECT 1"])).ExitCode == 0);
        return server;
    }

    private static async Task WaitAsync(string name, Process process, Func<Task<bool>> ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"test server {name} exited with {process.ExitCode} while starting.");
            if (await ready()) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"test server {name} did not become ready in 90 s.");
    }
}
