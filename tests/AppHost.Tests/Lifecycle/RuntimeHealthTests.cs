using Rollout.AppHost.Local.Processes;
using Rollout.AppHost.Orchestration;
using Rollout.AppHost.Testing;

namespace Rollout.AppHost.Tests.Lifecycle;

/// <summary>After start, health keeps being polled: a frozen server is RuntimeUnhealthy, a dead one Exited.</summary>
public sealed class RuntimeHealthTests
{
    [Fact]
    public async Task A_server_that_stops_answering_turns_RuntimeUnhealthy_and_back_and_a_dead_one_Exited()
    {
        await using var stack = await RolloutTestingBuilder.Create().StartAsync();
        var redis = stack.Resource("redis").Pid!.Value;
        try
        {
            ChildProcessLauncher.SendSignal(redis, Signal.Stop);
            await WaitForAsync(stack, "redis", ResourceStates.RuntimeUnhealthy);
        }
        finally
        {
            ChildProcessLauncher.SendSignal(redis, Signal.Continue);
        }
        await WaitForAsync(stack, "redis", ResourceStates.Running);

        ChildProcessLauncher.SendSignal(stack.Resource("external-postgres").Pid!.Value, Signal.Kill);
        await WaitForAsync(stack, "external-postgres", ResourceStates.Exited);
        Assert.Contains("the process exited; see", stack.Resource("external-postgres").Detail);
        Assert.Equal(ResourceStates.Exited, stack.Resource("mo_idp").State);
    }

    private static async Task WaitForAsync(TestingStack stack, string resource, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (stack.Resource(resource).State != state && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(stack.Resource(resource).State == state, $"{resource}: {stack.Resource(resource).State}, expected {state}");
    }
}
