using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Rollout.TestSupport.Estate;
using Rollout.Provisioner.Commands;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Tests.Infrastructure;

/// <summary>One server of the stack as the tests' own hands reach it: its port and the local admin account.</summary>
public sealed record StackServer(string Name, int Port, Secret AdminPassword);

/// <summary>
/// The local replica the Provisioner acts on in tests, started through Aspire.Hosting.Testing (EstateTestHost) (real
/// MariaDB/PostgreSQL processes with TLS, the Plesk stand-in seeded with its five databases). The
/// Provisioner itself is not run by the stack: each test runs it. The tests' own changes (drift made
/// by hand, the Plesk general log) go through the real mariadb/psql clients as the local admin.
/// </summary>
public sealed class ProvisionerStack : IAsyncLifetime
{
    public const string PleskName = "plesk";
    public const string MariaDbName = "external-mariadb";
    public const string PostgreSqlName = "external-postgres";

    private EstateTestHost _stack = null!;
    private bool _admittedAdmin;

    /// <summary>Scratch space of the tests (estate variants, copied state directories).</summary>
    public string BaseDirectory { get; } = Directory.CreateTempSubdirectory("rollout-provisioner-tests-").FullName;
    public string StateDirectory => _stack.StateDirectory;
    public string CaFile => _stack.CaCertificatePath;
    public string EstatePath => _stack.Estate.SourcePath;
    public Estate Estate => _stack.Estate;
    public StackServer Plesk { get; private set; } = null!;
    public StackServer MariaDb { get; private set; } = null!;
    public StackServer PostgreSql { get; private set; } = null!;
    public LocalSecretStore Secrets => _stack.Secrets;

    public async Task InitializeAsync()
    {
        _stack = await EstateTestHost.StartAsync();
        Plesk = await ServerAsync(PleskName);
        MariaDb = await ServerAsync(MariaDbName);
        PostgreSql = await ServerAsync(PostgreSqlName);
    }

    private async Task<StackServer> ServerAsync(string name)
    {
        var snapshot = await ResourceSnapshot.ReadAsync(StateDirectory, default);
        var port = snapshot.Resources.Single(r => r.Name == name).Port!.Value;
        // The Plesk stand-in has a local admin too (the AppHost seeds it); the Provisioner never gets it.
        var password = await Secrets.GetAsync(LocalSecretNames.AdminPassword(name), default)
            ?? throw new InvalidOperationException($"no admin password for {name} in the stack's secret store");
        return new StackServer(name, port, password);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A copy of the state directory's files (resources, secrets) for a test that changes them.</summary>
    public string CopyStateDirectory()
    {
        var copy = Path.Combine(BaseDirectory, "state-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(copy);
        foreach (var file in new[] { ResourceSnapshot.FileName, "secrets.json" })
            File.Copy(Path.Combine(StateDirectory, file), Path.Combine(copy, file));
        return copy;
    }

    /// <summary>Points a server of a copied state directory at another port (a server that is down).</summary>
    public static async Task MoveServerAsync(string stateDirectory, string server, int port)
    {
        var snapshot = await ResourceSnapshot.ReadAsync(stateDirectory, default);
        var moved = snapshot with
        {
            StateDirectory = stateDirectory,
            Resources = snapshot.Resources.Select(r => r.Name == server ? r with { Port = port } : r).ToList(),
        };
        await moved.WriteAsync(default);
    }

    /// <summary>SQL as the local admin through the real mariadb client over TLS: the test's own hands, never the Provisioner's.</summary>
    public async Task<string> MariaDbAdminAsync(StackServer server, string sql)
    {
        var result = await ProcessRunner.RunAsync("mariadb",
            ["-h", "127.0.0.1", "-P", server.Port.ToString(CultureInfo.InvariantCulture), "-u", LocalSecretNames.AdminUser,
             "--ssl", $"--ssl-ca={CaFile}", "-N", "-B", "-e", sql],
            new Dictionary<string, string> { ["MYSQL_PWD"] = server.AdminPassword.Reveal() });
        if (result.ExitCode != 0) throw new InvalidOperationException($"mariadb on {server.Name} failed: {result.Error}");
        return result.Output;
    }

    /// <summary>SQL as the PostgreSQL superuser (rollout_admin) through psql over TLS.</summary>
    public async Task<string> PostgresAsync(string sql, string database = "postgres")
    {
        var result = await ProcessRunner.RunAsync("psql",
            [$"host=127.0.0.1 port={PostgreSql.Port} user={LocalSecretNames.AdminUser} dbname={database} sslmode=verify-ca sslrootcert={CaFile}",
             "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
            new Dictionary<string, string> { ["PGPASSWORD"] = PostgreSql.AdminPassword.Reveal() });
        if (result.ExitCode != 0) throw new InvalidOperationException($"psql failed: {result.Error}");
        return result.Output;
    }

    /// <summary>Asserts that no managed database or service user exists on the managed servers.</summary>
    public async Task AssertNothingCreatedAsync()
    {
        Assert.Equal("", (await MariaDbAdminAsync(MariaDb, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'mo\\_%'")).Trim());
        Assert.Equal("", (await MariaDbAdminAsync(MariaDb, "SELECT User FROM mysql.global_priv WHERE User LIKE 'svc\\_%'")).Trim());
        Assert.Equal("", (await PostgresAsync("SELECT string_agg(datname, ',') FROM pg_database WHERE datname LIKE 'mo\\_%'")).Trim());
        Assert.Equal("", (await PostgresAsync("SELECT string_agg(rolname, ',') FROM pg_roles WHERE rolname LIKE 'svc\\_%'")).Trim());
    }

    /// <summary>
    /// Admits a test's own PostgreSQL admin role to pg_hba.conf (besides rollout_admin), as the published file of staging
    /// admits the role PG_ADMIN_USER names; without it pg_hba refuses the role before any privilege is looked at.
    /// </summary>
    public async Task AdmitPostgreSqlAdminAsync(string role)
    {
        await _stack.AdmitPostgreSqlAdminRolesAsync(PostgreSqlName, [role]);
        _admittedAdmin = true;
    }

    /// <summary>Removes every managed database, service user and backup account from the managed servers (the Plesk stand-in is left alone).</summary>
    public async Task ResetAsync()
    {
        if (_admittedAdmin)
        {
            await _stack.AdmitPostgreSqlAdminRolesAsync(PostgreSqlName, []);
            _admittedAdmin = false;
        }
        var accounts = (await MariaDbAdminAsync(MariaDb, $"SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.global_priv WHERE User LIKE 'svc\\_%' OR User IN ('rollout_weak', '{Estate.Backup.Account}')"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var drops = Estate.DatabasesOn(MariaDbName).Select(d => $"DROP DATABASE IF EXISTS `{d.Name}`;").Concat(accounts.Select(a => $"DROP USER {a};"));
        await MariaDbAdminAsync(MariaDb, string.Join(' ', drops) + " SELECT 1;");

        foreach (var database in Estate.DatabasesOn(PostgreSqlName))
            await PostgresAsync($"DROP DATABASE IF EXISTS \"{database.Name}\" WITH (FORCE)");
        var roles = (await PostgresAsync($"SELECT rolname FROM pg_roles WHERE rolname LIKE 'svc\\_%' OR rolname IN ('rollout_weak', '{Estate.Backup.Account}')")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // A role holding a privilege on a shared database (the weak admin's CONNECT on postgres or template1) cannot be dropped before it is revoked.
        foreach (var role in roles) await PostgresAsync($"REVOKE ALL ON DATABASE postgres FROM \"{role}\"; REVOKE ALL ON DATABASE template1 FROM \"{role}\"; DROP ROLE \"{role}\"");
        foreach (var database in Estate.Databases.Where(d => d.ServerName != PleskName))
            await Secrets.RemoveAsync(database.PasswordSecretName, default);
        foreach (var server in new[] { MariaDbName, PostgreSqlName })
            await Secrets.RemoveAsync(Rollout.Topology.Secrets.BackupSecrets.AccountPassword(Estate.Server(server)), default);
    }

    /// <summary>Runs the Provisioner in-process, wired as Program.cs wires it, capturing everything it prints.</summary>
    public async Task<ProvisionerResult> ProvisionerAsync(IDictionary<string, string>? variables, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var io = new CommandIo(output, error, name => variables is not null && variables.TryGetValue(name, out var v) ? v : null, Path.GetDirectoryName(EstatePath)!);
        var root = new RootCommand();
        root.Add(PlanCommand.Create(io));
        root.Add(ApplyCommand.Create(io));
        root.Add(DriftCommand.Create(io));
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new ProvisionerResult(exit, output.ToString(), error.ToString());
    }

    public Task<ProvisionerResult> LocalAsync(params string[] args) => LocalWithStateAsync(StateDirectory, args);

    public Task<ProvisionerResult> LocalWithStateAsync(string stateDirectory, params string[] args) =>
        ProvisionerAsync(null, [.. args, "--env", "local", "--state-dir", stateDirectory]);

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        try
        {
            Directory.Delete(BaseDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Scratch files in a uniquely named temporary directory; nothing depends on their removal.
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
