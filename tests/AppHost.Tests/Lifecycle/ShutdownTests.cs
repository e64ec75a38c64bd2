using Rollout.AppHost.Local.Processes;

namespace Rollout.AppHost.Tests.Lifecycle;

public sealed class ShutdownTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Stopping_the_estate_leaves_no_process_behind()
    {
        var stack = await EstateTestHost.StartAsync();
        IReadOnlyList<int> pids;
        try
        {
            Assert.Equal(4, stack.ServerPids.Count);
            pids = ProcessScan.WithDescendants(stack.ServerPids);
            Assert.True(pids.Count > 4, "PostgreSQL's postmaster has child processes");
        }
        finally
        {
            await stack.DisposeAsync();
        }
        var alive = await ProcessScan.StillAliveAfterAsync(pids, TimeSpan.FromSeconds(15));
        Assert.True(alive.Count == 0, $"still running after stop: {ProcessScan.Describe(alive)}");
        Assert.False(Directory.Exists(stack.StateDirectory));
    }

    /// <summary>
    /// Aspire's orchestrator stops the servers only after the AppHost has gone; the AppHost waits for their graceful
    /// stop itself, so a script's next step (a new start, rm -rf of the state) never races a server still shutting down.
    /// </summary>
    [Fact]
    public async Task Sigterm_stops_the_apphost_cleanly_and_its_servers_are_gone_when_it_exits()
    {
        using var state = new TemporaryDirectory();
        await using var apphost = await AppHostProcess.StartHealthyAsync(state.Path, new Dictionary<string, string>(), StartTimeout);
        var pids = ProcessScan.WithDescendants(await apphost.ServerPidsAsync());
        Assert.True(pids.Count > 4);

        ChildProcessLauncher.SendSignal(apphost.Process.Id, Signal.Terminate);
        Assert.Equal(0, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var alive = await ProcessScan.StillAliveAfterAsync(pids, TimeSpan.FromMilliseconds(200));
        Assert.True(alive.Count == 0, $"still running when the AppHost had exited after SIGTERM: {ProcessScan.Describe(alive)}");
    }

    /// <summary>SIGKILL runs no code of the AppHost at all: Aspire's orchestrator (DCP) watches the AppHost and stops the servers.</summary>
    [Fact]
    public async Task A_sigkilled_apphost_leaves_no_process()
    {
        using var state = new TemporaryDirectory();
        await using var apphost = await AppHostProcess.StartHealthyAsync(state.Path, new Dictionary<string, string>(), StartTimeout);
        var pids = ProcessScan.WithDescendants(await apphost.ServerPidsAsync());

        ChildProcessLauncher.SendSignal(apphost.Process.Id, Signal.Kill);
        await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60));

        var alive = await ProcessScan.StillAliveAfterAsync(pids, TimeSpan.FromSeconds(30));
        Assert.True(alive.Count == 0, $"still running 30 s after the AppHost was killed: {ProcessScan.Describe(alive)}");
    }

    /// <summary>An unhandled exception (a crash) ends the AppHost without its cleanup code.</summary>
    [Fact]
    public async Task A_crashed_apphost_leaves_no_process()
    {
        using var state = new TemporaryDirectory();
        await using var apphost = await AppHostProcess.StartHealthyAsync(state.Path, new Dictionary<string, string> { ["ROLLOUT_APPHOST_CRASH_AFTER_START"] = "1" }, StartTimeout);
        var pids = ProcessScan.WithDescendants(await apphost.ServerPidsAsync());

        Assert.NotEqual(0, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("simulated AppHost crash", apphost.Output);

        var alive = await ProcessScan.StillAliveAfterAsync(pids, TimeSpan.FromSeconds(30));
        Assert.True(alive.Count == 0, $"still running 30 s after the AppHost crashed: {ProcessScan.Describe(alive)}");
    }

    [Fact]
    public async Task A_second_apphost_on_the_same_state_directory_is_refused()
    {
        await using var stack = await EstateTestHost.StartAsync();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => EstateTestHost.StartAsync(new EstateTestOptions { StateDirectory = stack.StateDirectory }));
        Assert.Contains($"State directory {stack.StateDirectory} is in use by another AppHost (pid {Environment.ProcessId})", error.ToString());
        foreach (var server in stack.Estate.EnabledServers(stack.Runtime.Environment))
            await stack.WaitForHealthyAsync(server.Name, CancellationToken.None);
    }
}
