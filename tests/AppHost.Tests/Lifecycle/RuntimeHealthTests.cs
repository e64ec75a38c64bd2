using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Rollout.AppHost.Local.Processes;

namespace Rollout.AppHost.Tests.Lifecycle;

public sealed class RuntimeHealthTests
{
    [Fact]
    public async Task A_server_that_stops_answering_turns_unhealthy_and_back_and_a_dead_one_is_no_longer_running()
    {
        await using var stack = await EstateTestHost.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var redis = stack.ServerPid("redis")!.Value;
        try
        {
            ChildProcessLauncher.SendSignal(redis, Signal.Stop);
            await stack.App.ResourceNotifications.WaitForResourceAsync("redis", e => e.Snapshot.HealthStatus == HealthStatus.Unhealthy, timeout.Token);
        }
        finally
        {
            ChildProcessLauncher.SendSignal(redis, Signal.Continue);
        }
        await stack.WaitForHealthyAsync("redis", timeout.Token);

        // The postmaster itself (below the launch shell that turns SIGTERM into a fast shutdown).
        var postmaster = ProcessScan.WithDescendants([stack.ServerPid("external-postgres")!.Value]).Skip(1).First();
        ChildProcessLauncher.SendSignal(postmaster, Signal.Kill);
        var seen = await stack.App.ResourceNotifications.WaitForResourceAsync("external-postgres",
            e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", timeout.Token);
        Assert.NotEqual(KnownResourceStates.Running, seen.Snapshot.State?.Text);
    }
}
