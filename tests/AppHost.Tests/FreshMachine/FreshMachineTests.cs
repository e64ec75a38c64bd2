using System.Net;
using System.Net.Sockets;

namespace Rollout.AppHost.Tests.FreshMachine;

/// <summary>
/// Issue 14, item 1: the README's first command on a fresh Debian 12 machine, as root. The machine is a throw-away
/// debootstrap root (fresh-machine.sh) without the server packages or their accounts; the AppHost must install
/// what is missing and bring the estate up until the SmokeRunner passes.
/// </summary>
[Collection(SoloCollection.Name)]
public sealed class FreshMachineTests
{
    // The servers', the locales', the backup worker's (restic) and the exporters' packages: all installed by the AppHost as root.
    private static readonly string[] ServerPackages = ["mariadb-server", "postgresql-15", "redis-server", "locales", "restic",
        "prometheus-mysqld-exporter", "prometheus-postgres-exporter", "prometheus-redis-exporter", "prometheus-node-exporter"];

    [FreshMachineFact]
    public async Task The_apphost_installs_what_a_fresh_machine_lacks_and_the_estate_comes_up()
    {
        Assert.True(ProcessRunner.Exists("debootstrap"), "debootstrap is missing: `apt-get install -y debootstrap` (.ci/run installs it)");
        var repository = RepositoryRoot();
        var arguments = new List<string> { Path.Combine(repository, "tests", "AppHost.Tests", "FreshMachine", "fresh-machine.sh"), repository, "480" };
        arguments.AddRange(["--no-table", "--no-dashboard"]);
        // The throw-away root shares this machine's network: free ports keep it clear of other stacks.
        foreach (var server in new[] { "plesk", "external-mariadb", "external-postgres", "redis" })
            arguments.AddRange(["--port", $"{server}={FreePort()}"]);

        var result = await ProcessRunner.RunAsync("bash", arguments, timeout: TimeSpan.FromMinutes(14));
        var output = result.All;

        foreach (var package in ServerPackages)
            Assert.Contains($"package {package}: not installed", output);
        Assert.Contains("user mysql: missing", output);
        Assert.Equal(0, result.ExitCode);
        foreach (var package in new[] { "mariadb-server", "postgresql-15", "redis-server", "restic" })
            Assert.Contains($"Installing the Debian package {package}", output);
        foreach (var package in ServerPackages)
            Assert.Contains($"package {package}: installed", output);
        Assert.Contains("== SmokeRunner passed on the fresh machine", output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Rollout.sln"))) return directory.FullName;
        throw new InvalidOperationException($"Rollout.sln not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>Skips, saying why, where the throw-away root cannot be built (not root).</summary>
public sealed class FreshMachineFactAttribute : FactAttribute
{
    public FreshMachineFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
            Skip = "needs root: debootstrap, chroot, mounts and apt-get inside the throw-away root.";
    }
}
