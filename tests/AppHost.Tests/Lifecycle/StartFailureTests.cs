using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using Rollout.AppHost.Local;
using Microsoft.Extensions.DependencyInjection;

namespace Rollout.AppHost.Tests.Lifecycle;

public sealed class StartFailureTests
{
    [Fact]
    public async Task A_server_that_fails_to_start_is_reported_with_its_exit_code_and_its_output_in_the_console_log()
    {
        using var programs = new TemporaryDirectory();
        File.SetUnixFileMode(programs.Path, (UnixFileMode)0b111_101_101);
        var failing = Path.Combine(programs.Path, "mariadbd");
        await File.WriteAllTextAsync(failing, "#!/bin/sh\necho \"[ERROR] simulated failure: InnoDB cannot open ibdata1\" >&2\nexit 1\n");
        File.SetUnixFileMode(failing, (UnixFileMode)0b111_101_101);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => EstateTestHost.StartAsync(new EstateTestOptions
        {
            Arguments = ["--mariadbd", failing],
            StartTimeout = TimeSpan.FromMinutes(2),
        }));

        Assert.Matches("Resource '(plesk|external-mariadb)' is (Exited|Finished|FailedToStart) \\(exit code 1\\) instead of healthy", error.Message);
        Assert.True(error.Message.Contains("simulated failure: InnoDB cannot open ibdata1", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task A_server_that_fails_to_start_stops_the_estate_with_its_cause_exit_code_1_and_no_server_left_running()
    {
        using var programs = new TemporaryDirectory();
        File.SetUnixFileMode(programs.Path, (UnixFileMode)0b111_101_101);
        var failing = Path.Combine(programs.Path, "redis-server");
        await File.WriteAllTextAsync(failing, "#!/bin/sh\necho \"simulated failure: cannot open redis.conf\" >&2\nexit 1\n");
        File.SetUnixFileMode(failing, (UnixFileMode)0b111_101_101);
        using var state = new TemporaryDirectory();
        await using var apphost = await AppHostProcess.StartAsync(state.Path, "--redis-server", failing);

        Assert.Equal(1, await apphost.WaitForExitAsync(TimeSpan.FromMinutes(2)));

        Assert.Matches("redis: (Exited|Finished|FailedToStart) \\(exit code 1\\)", apphost.Output);
        Assert.Matches("error: server 'redis' did not start: (Exited|Finished|FailedToStart) \\(exit code 1\\)", apphost.Output);
        Assert.Contains("simulated failure: cannot open redis.conf", apphost.Output);
        Assert.Contains("Stopping every resource of the estate", apphost.Output);
        Assert.DoesNotContain("All servers healthy", apphost.Output);
        // The failed server's output is also in its log file; every other server was stopped with the AppHost.
        Assert.Contains("simulated failure: cannot open redis.conf", await File.ReadAllTextAsync(Path.Combine(state.Path, "logs", "redis.log")));
        Assert.Empty(await ProcessScan.StillAliveAfterAsync(ProcessesOf(state.Path), TimeSpan.FromSeconds(15)));
    }

    /// <summary>Processes whose command line names the state directory: the servers (data, config and socket paths live there).</summary>
    private static IReadOnlyList<int> ProcessesOf(string stateDirectory) =>
        Directory.GetDirectories("/proc").Select(d => (Pid: int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0, Directory: d))
            .Where(p => p.Pid > 0 && p.Pid != Environment.ProcessId && CommandLine(p.Directory).Contains(stateDirectory, StringComparison.Ordinal))
            .Select(p => p.Pid).ToList();

    private static string CommandLine(string procDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDirectory, "cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    [Fact]
    public async Task A_port_in_use_names_the_port_and_the_resource_before_any_server_starts()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var taken = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var ports = new[] { "plesk", "external-mariadb", "external-postgres", "redis" }.ToDictionary(n => n, _ => PortProbe.FindFree());
        ports["external-postgres"] = taken;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => EstateTestHost.StartAsync(new EstateTestOptions { Ports = ports }));

        Assert.Contains($"Port {taken} on 127.0.0.1 for resource 'external-postgres' is already in use.", error.ToString());
        Assert.Contains("--port external-postgres=", error.ToString());
    }

    [Fact]
    public async Task A_missing_server_program_names_the_debian_package_and_the_option()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => EstateTestHost.StartAsync(new EstateTestOptions { Arguments = ["--postgres", "/nonexistent/postgres"] }));

        Assert.Contains("Resource 'external-postgres': server program /nonexistent/postgres not found. Install the Debian package postgresql-15 (`sudo apt-get install -y postgresql-15`), or point --postgres at the program.", error.ToString());
    }

    [Fact]
    public async Task The_command_line_reports_a_missing_program_and_exits_with_1()
    {
        using var state = new TemporaryDirectory();
        await using var apphost = await AppHostProcess.StartAsync(state.Path, "--redis-server", "/nonexistent/redis-server");
        Assert.Equal(1, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.Contains("error: Resource 'redis': server program /nonexistent/redis-server not found. Install the Debian package redis-server", apphost.Output);
        Assert.DoesNotContain("All servers healthy", apphost.Output);
    }

    [Fact]
    public async Task An_invalid_estate_file_is_reported_with_its_position_and_nothing_starts()
    {
        using var state = new TemporaryDirectory();
        var estate = Path.Combine(state.Path, "rollout.yaml");
        var text = await File.ReadAllTextAsync(Path.Combine(AppHostProcess.RepositoryRoot, "rollout.yaml"));
        await File.WriteAllTextAsync(estate, text.Replace("  external-mariadb:\n    engine: mariadb", "  external-mariadb:\n    engin: mariadb"));
        await using var apphost = await AppHostProcess.StartAsync(Path.Combine(state.Path, ".rollout"), "--estate", estate);
        Assert.Equal(3, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("in the estate file", apphost.Output);
        Assert.Contains("engin", apphost.Output);
        Assert.False(Directory.Exists(Path.Combine(state.Path, ".rollout", "data")));
    }
}
