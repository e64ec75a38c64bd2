using System.CommandLine;
using System.Globalization;
using Rollout.Provisioner.Commands;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Tests.Infrastructure;

/// <summary>
/// The local replica the Provisioner acts on in tests: a Plesk stand-in (seeded with its five
/// databases and users, never to be written by us), an external MariaDB and an external PostgreSQL,
/// all real server processes with TLS, plus the state directory (resources.json, secrets.json)
/// the `local` environment is bound from. Started once per test collection, removed afterwards.
/// </summary>
public sealed class ProvisionerStack : IAsyncLifetime
{
    public const string PleskName = "plesk";
    public const string MariaDbName = "external-mariadb";
    public const string PostgreSqlName = "external-postgres";

    private readonly List<TestServerProcess> _servers = [];

    public string BaseDirectory { get; } = Path.Combine(Path.GetTempPath(), "rollout-provisioner-tests-" + Guid.NewGuid().ToString("N")[..8]);
    public string StateDirectory => Path.Combine(BaseDirectory, "state");
    public string CertificateDirectory => Path.Combine(BaseDirectory, "tls");
    public string CaFile => Path.Combine(CertificateDirectory, "ca.pem");
    public string EstatePath { get; } = EstateLoader.Locate(AppContext.BaseDirectory);
    public Estate Estate { get; private set; } = null!;
    public TestServerProcess Plesk { get; private set; } = null!;
    public TestServerProcess MariaDb { get; private set; } = null!;
    public TestServerProcess PostgreSql { get; private set; } = null!;
    public LocalSecretStore Secrets => LocalSecretStore.InStateDirectory(StateDirectory);

    public async Task InitializeAsync()
    {
        Estate = EstateLoader.LoadFile(EstatePath);
        Directory.CreateDirectory(CertificateDirectory);
        Directory.CreateDirectory(StateDirectory);
        File.SetUnixFileMode(BaseDirectory, (UnixFileMode)0b111_101_101);
        await TestServers.CreateCertificatesAsync(CertificateDirectory);

        var adminPassword = new Secret("admin-" + Guid.NewGuid().ToString("N"));
        var plesk = TestServers.StartMariaDbAsync(PleskName, BaseDirectory, CertificateDirectory);
        var mariadb = TestServers.StartMariaDbAsync(MariaDbName, BaseDirectory, CertificateDirectory);
        var postgres = TestServers.StartPostgreSqlAsync(PostgreSqlName, BaseDirectory, CertificateDirectory, LocalSecretNames.AdminUser, adminPassword.Reveal());
        try
        {
            await Task.WhenAll(plesk, mariadb, postgres);
        }
        finally
        {
            foreach (var task in new[] { plesk, mariadb, postgres }.Where(t => t.IsCompletedSuccessfully)) _servers.Add(task.Result);
        }
        (Plesk, MariaDb, PostgreSql) = (plesk.Result, mariadb.Result, postgres.Result);

        await MariaDbRootAsync(MariaDb, $"CREATE USER '{LocalSecretNames.AdminUser}'@'127.0.0.1' IDENTIFIED BY '{adminPassword.Reveal()}' REQUIRE SSL; " +
                                        $"GRANT ALL PRIVILEGES ON *.* TO '{LocalSecretNames.AdminUser}'@'127.0.0.1' WITH GRANT OPTION;");
        await Secrets.SetAsync(LocalSecretNames.AdminPassword(MariaDbName), adminPassword, default);
        await Secrets.SetAsync(LocalSecretNames.AdminPassword(PostgreSqlName), adminPassword, default);
        await SeedPleskAsync();
        await WriteResourcesAsync(StateDirectory, postgresPort: PostgreSql.Port, mariadbPort: MariaDb.Port);
    }

    /// <summary>The existing host as the plan describes it: five databases, their users @localhost and @127.0.0.1.</summary>
    private async Task SeedPleskAsync()
    {
        var statements = new List<string>();
        foreach (var database in Estate.DatabasesOn(PleskName))
        {
            var password = new Secret(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            await Secrets.SetAsync(database.PasswordSecretName, password, default);
            statements.Add($"CREATE DATABASE `{database.Name}`;");
            foreach (var host in new[] { "localhost", "127.0.0.1" })
            {
                statements.Add($"CREATE USER '{database.User}'@'{host}' IDENTIFIED BY '{password.Reveal()}' REQUIRE SSL;");
                statements.Add($"GRANT {string.Join(", ", Estate.Grants.MariaDb)} ON `{database.Name.Replace("_", "\\_", StringComparison.Ordinal)}`.* TO '{database.User}'@'{host}';");
            }
        }
        await MariaDbRootAsync(Plesk, string.Join(' ', statements));
    }

    /// <summary>Writes resources.json as the AppHost does; ports can be overridden to simulate a server that is down.</summary>
    public async Task WriteResourcesAsync(string stateDirectory, int postgresPort, int mariadbPort)
    {
        Directory.CreateDirectory(stateDirectory);
        var snapshot = new ResourceSnapshot(stateDirectory, CaFile, Environment.ProcessId,
        [
            new ResourceState(PleskName, "mariadb", "Running", "127.0.0.1", Plesk.Port, Plesk.Pid, null),
            new ResourceState(MariaDbName, "mariadb", "Running", "127.0.0.1", mariadbPort, MariaDb.Pid, null),
            new ResourceState(PostgreSqlName, "postgresql", "Running", "127.0.0.1", postgresPort, PostgreSql.Pid, null),
            new ResourceState("redis", "redis", "Running", "127.0.0.1", TestServers.FreePort(), null, null),
        ]);
        await snapshot.WriteAsync(default);
    }

    /// <summary>A copy of the state directory (resources and secrets) for a test that changes it.</summary>
    public string CopyStateDirectory()
    {
        var copy = Path.Combine(BaseDirectory, "state-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(StateDirectory)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    /// <summary>Root on a MariaDB through its unix socket: the test's own hands, never the Provisioner's.</summary>
    public static async Task<string> MariaDbRootAsync(TestServerProcess server, string sql)
    {
        var result = await ProcessRunner.RunAsync("mariadb", [$"--socket={server.Socket}", "-N", "-B", "-e", sql]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"mariadb on {server.Name} failed: {result.Error}");
        return result.Out;
    }

    /// <summary>The PostgreSQL superuser through the unix socket (trust), for the test's own changes and checks.</summary>
    public async Task<string> PostgresAsync(string sql, string database = "postgres")
    {
        var result = await ProcessRunner.RunAsync("psql", ["-h", PostgreSql.Socket!, "-p", PostgreSql.Port.ToString(CultureInfo.InvariantCulture),
            "-U", LocalSecretNames.AdminUser, "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"psql failed: {result.Error}");
        return result.Out;
    }

    /// <summary>Removes every managed database and service user from the managed servers (the Plesk stand-in is left alone).</summary>
    public async Task ResetAsync()
    {
        var mariadbDatabases = Estate.DatabasesOn(MariaDbName).ToList();
        var accounts = (await MariaDbRootAsync(MariaDb, "SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.global_priv WHERE User LIKE 'svc\\_%'"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var drops = mariadbDatabases.Select(d => $"DROP DATABASE IF EXISTS `{d.Name}`;").Concat(accounts.Select(a => $"DROP USER {a};"));
        await MariaDbRootAsync(MariaDb, string.Join(' ', drops) + " SELECT 1;");

        foreach (var database in Estate.DatabasesOn(PostgreSqlName))
            await PostgresAsync($"DROP DATABASE IF EXISTS \"{database.Name}\" WITH (FORCE)");
        var roles = (await PostgresAsync("SELECT rolname FROM pg_roles WHERE rolname LIKE 'svc\\_%'")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var role in roles) await PostgresAsync($"DROP ROLE \"{role}\"");
        foreach (var database in Estate.Databases.Where(d => d.ServerName != PleskName))
            await Secrets.RemoveAsync(database.PasswordSecretName, default);
    }

    /// <summary>Runs the Provisioner in-process, exactly as Program.cs wires it, capturing everything it prints.</summary>
    public async Task<ProcessRunner.Result> ProvisionerAsync(IDictionary<string, string>? variables, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var io = new CommandIo(output, error, name => variables is not null && variables.TryGetValue(name, out var v) ? v : null, Path.GetDirectoryName(EstatePath)!);
        var root = new RootCommand();
        root.Add(PlanCommand.Create(io));
        root.Add(ApplyCommand.Create(io));
        root.Add(DriftCommand.Create(io));
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new ProcessRunner.Result(exit, output.ToString(), error.ToString());
    }

    public Task<ProvisionerResult> LocalAsync(params string[] args) => LocalWithStateAsync(StateDirectory, args);

    public async Task<ProvisionerResult> LocalWithStateAsync(string stateDirectory, params string[] args)
    {
        var result = await ProvisionerAsync(null, [.. args, "--env", "local", "--state-dir", stateDirectory]);
        return new ProvisionerResult(result.ExitCode, result.Out, result.Error);
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        try
        {
            Directory.Delete(BaseDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server that was slow to exit may still hold a file; the directory is in /tmp and uniquely named.
        }
    }
}

public sealed record ProvisionerResult(int ExitCode, string Out, string Error)
{
    public string All => Out + Error;
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<ProvisionerStack>
{
    public const string Name = "provisioner stack";
}
