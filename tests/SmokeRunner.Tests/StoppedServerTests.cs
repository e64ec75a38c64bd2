using Rollout.SmokeRunner.Tests.Fixtures;

namespace Rollout.SmokeRunner.Tests;

[CollectionDefinition(Name)]
public sealed class StoppedServerCollection : ICollectionFixture<ProvisionedEstateFixture>
{
    public const string Name = "stopped server";
}

/// <summary>Its own stack: the test stops a server for good.</summary>
[Collection(StoppedServerCollection.Name)]
public class StoppedServerTests(ProvisionedEstateFixture estate)
{
    [Fact]
    public async Task A_stopped_server_fails_connectivity_for_exactly_its_databases_and_the_others_pass()
    {
        await estate.StopServerAsync("external-postgres");

        var run = await estate.RunSmokeAsync("--output", "json", "--parallelism", "4");
        var report = new SmokeJson(run.Output);

        Assert.Equal(1, run.ExitCode);
        var postgres = estate.Binding.DatabasesOn("external-postgres").Select(d => d.Name).ToHashSet();
        var connectivity = report.Checks.Where(c => c.Kind == "connectivity").ToList();
        Assert.Equal(postgres.Order(), connectivity.Where(c => c.Result == "failed").Select(c => c.Target).Order());
        Assert.All(connectivity.Where(c => c.Result == "failed"), c => Assert.StartsWith("cannot reach external-postgres", c.Detail));
        Assert.Equal(14, connectivity.Count(c => c.Result == "passed"));
        Assert.All(postgres, d => Assert.Equal("not measured: no connection", report.Single("latency", "connect + SELECT 1", d).Detail));
        var postgresUsers = estate.Binding.DatabasesOn("external-postgres").Select(d => d.User).ToList();
        Assert.All(report.FailedBeyondLatency, f => Assert.True(
            postgres.Contains(f.Target) || f.Target == "external-postgres" || postgresUsers.Any(u => f.Target.StartsWith(u, StringComparison.Ordinal)),
            $"{f.Kind} {f.Name} {f.Target} failed but is not on the stopped server: {f.Detail}"));
    }
}
