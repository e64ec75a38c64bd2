using System.Net;
using System.Net.Sockets;
using Rollout.AppHost.Local;
using Rollout.AppHost.Local.Processes;
using Rollout.AppHost.Orchestration;
using Rollout.AppHost.Testing;

namespace Rollout.AppHost.Tests.Lifecycle;

public sealed class StartFailureTests
{
    [Fact]
    public async Task A_server_that_fails_to_start_shows_its_log_tail_and_everything_else_is_stopped()
    {
        using var programs = new TemporaryDirectory();
        File.SetUnixFileMode(programs.Path, (UnixFileMode)0b111_101_101);
        var failing = Path.Combine(programs.Path, "mariadbd");
        await File.WriteAllTextAsync(failing, "#!/bin/sh\necho \"[ERROR] simulated failure: InnoDB cannot open ibdata1\" >&2\nexit 1\n");
        File.SetUnixFileMode(failing, (UnixFileMode)0b111_101_101);
        using var state = new TemporaryDirectory();

        var builder = RolloutApplication.CreateBuilder(new AppHostOptions
        {
            StateDirectory = state.Path,
            EstatePath = new AppHostOptions().ResolveEstatePath(AppContext.BaseDirectory),
            Binaries = ServerBinaries.Debian with { MariaDbServer = failing },
            PortOverrides = new[] { "plesk", "external-mariadb", "external-postgres", "redis" }.ToDictionary(n => n, _ => PortProbe.FindFree()),
            RunProjects = false,
        });
        builder.AddEstate();
        await using var app = builder.Build();
        var error = await Assert.ThrowsAsync<AppHostStartException>(() => app.StartAsync(CancellationToken.None));

        Assert.Contains("Resource 'plesk' (MariaDB) exited while starting.", error.Message);
        Assert.Contains($"Last lines of {Path.Combine(state.Path, "logs", "plesk.log")}:", error.Message);
        Assert.Contains("simulated failure: InnoDB cannot open ibdata1", error.Message);
        Assert.Equal(ResourceStates.FailedToStart, app.Board["plesk"].State);
        foreach (var other in new[] { "external-postgres", "redis" })
            Assert.Equal(ResourceStates.Exited, app.Board[other].State);
        var started = app.Orchestrator.Servers.Values.Select(s => s.Pid).OfType<int>().ToList();
        Assert.Equal(4, started.Count);
        var alive = started.Where(ProcessState.IsAlive).ToList();
        Assert.True(alive.Count == 0, $"still running: {ProcessScan.Describe(alive)}");
    }

    [Fact]
    public async Task A_port_in_use_names_the_port_and_the_resource()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var taken = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var ports = new[] { "plesk", "external-mariadb", "external-postgres", "redis" }.ToDictionary(n => n, _ => PortProbe.FindFree());
        ports["external-postgres"] = taken;

        var error = await Assert.ThrowsAsync<AppHostStartException>(() => RolloutTestingBuilder.Create().WithPorts(ports).StartAsync());

        Assert.Contains($"Port {taken} on 127.0.0.1 for resource 'external-postgres' is already in use.", error.Message);
        Assert.Contains($"--port external-postgres=", error.Message);
    }

    [Fact]
    public async Task A_missing_server_program_names_the_debian_package_and_the_option()
    {
        var error = await Assert.ThrowsAsync<AppHostStartException>(() => RolloutTestingBuilder.Create()
            .WithBinaries(ServerBinaries.Debian with { PostgreSqlServer = "/nonexistent/postgres" }).StartAsync());

        Assert.Contains("Resource 'external-postgres': server program /nonexistent/postgres not found. Install the Debian package postgresql-15 (`sudo apt-get install -y postgresql-15`), or point --postgres at the program.", error.Message);
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
        await using var apphost = await AppHostProcess.StartAsync(Path.Combine(state.Path, ".rollout"), "--file", estate);
        Assert.Equal(1, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("in the estate file", apphost.Output);
        Assert.Contains("engin", apphost.Output);
        Assert.False(Directory.Exists(Path.Combine(state.Path, ".rollout", "data")));
    }
}
