using MySqlConnector;
using Rollout.AppHost.Model;
using Rollout.AppHost.Orchestration;
using Rollout.AppHost.Testing;

namespace Rollout.AppHost.Tests.Stack;

/// <summary>Project resources: waits, injected references, exit states (with a probe project instead of Provisioner/SmokeRunner).</summary>
public sealed class ProjectResourceTests
{
    private const string Probe = "tests/AppHost.Tests/ProjectProbe/Rollout.AppHost.ProjectProbe.csproj";

    [Fact]
    public async Task Projects_run_after_their_waits_with_connection_info_and_report_how_they_ended()
    {
        var output = Path.Combine(Path.GetTempPath(), $"rollout-probe-{Guid.NewGuid():N}.env");
        ProjectResource? first = null;
        await using var stack = await RolloutTestingBuilder.Create().WithProjects().Configure(builder =>
        {
            var main = builder.Model.Databases.Single(d => d.Name == "mo_main");
            first = builder.AddProject("probe", Probe).WithArgs(output).WithReference(main);
            foreach (var server in builder.Model.Servers) first.WaitFor(server);
            builder.AddProject("probe-after", Probe).WithArgs("--exit", "0").WaitForCompletion(first);
            var failing = builder.AddProject("probe-failing", Probe).WithArgs("--exit", "3", "boom").WaitFor(first);
            builder.AddProject("probe-blocked", Probe).WithArgs("--exit", "0").WaitForCompletion(failing);
            builder.AddProject("probe-unimplemented", Probe).WithArgs("--exit", "1", "not yet implemented");
        }).StartAsync();
        try
        {
            await WaitForAsync(stack, "probe-after", ResourceStates.Finished);
            Assert.Equal(ResourceStates.Finished, stack.Resource("probe").State);
            await WaitForAsync(stack, "probe-failing", ResourceStates.Exited);
            Assert.Contains("exit code 3", stack.Resource("probe-failing").Detail);
            await WaitForAsync(stack, "probe-blocked", ResourceStates.FailedToStart);
            Assert.Contains("waits for completion of 'probe-failing', which is Exited", stack.Resource("probe-blocked").Detail);
            await WaitForAsync(stack, "probe-unimplemented", ResourceStates.NotStarted);
            Assert.Equal("skipped: not yet implemented", stack.Resource("probe-unimplemented").Detail);

            var environment = (await File.ReadAllLinesAsync(output)).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            Assert.Equal(stack.StateDirectory, environment["ROLLOUT_STATE_DIR"]);
            Assert.Equal(stack.Endpoint("plesk").Port.ToString(System.Globalization.CultureInfo.InvariantCulture), environment["MO_MAIN_PORT"]);
            Assert.Equal("svc_main", environment["MO_MAIN_USERNAME"]);
            Assert.Equal("mo_main", environment["MO_MAIN_DATABASENAME"]);
            var connection = new MySqlConnectionStringBuilder(environment["ConnectionStrings__mo_main"])
            {
                SslMode = MySqlSslMode.VerifyCA,
                SslCa = stack.CaCertificatePath,
                Pooling = false,
            };
            await using var database = new MySqlConnection(connection.ConnectionString);
            await database.OpenAsync();
            Assert.Equal("mo_main", database.Database);
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static async Task WaitForAsync(TestingStack stack, string resource, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (stack.Resource(resource).State != state && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(stack.Resource(resource).State == state, $"{resource}: {stack.Resource(resource).State} ({stack.Resource(resource).Detail}), expected {state}");
    }
}
