using Rollout.Topology.Model;

namespace Rollout.AppHost.Tests.Stack;

/// <summary>Each server's console output is also in &lt;state&gt;/logs/&lt;server&gt;.log (ServerLogFiles), besides Aspire's console log.</summary>
[Collection("stack")]
public sealed class ServerLogFileTests(StackFixture fixture)
{
    [Fact]
    public async Task What_each_server_prints_at_start_is_in_its_log_file_in_the_state_directory()
    {
        var stack = fixture.Stack;
        foreach (var server in stack.Estate.EnabledServers(stack.Estate.Environment("local")))
        {
            // The line each server prints once it accepts connections (its own words, not ours).
            var ready = server.Engine switch
            {
                Engine.MariaDb => "ready for connections",
                Engine.PostgreSql => "database system is ready to accept connections",
                _ => "Ready to accept connections",
            };
            var path = Path.Combine(stack.StateDirectory, "logs", server.Name + ".log");
            var deadline = DateTime.UtcNow.AddSeconds(15);
            string Text() => File.Exists(path) ? File.ReadAllText(path) : "";
            while (!Text().Contains(ready, StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, $"{path} lacks '{ready}':{Environment.NewLine}{Text()}");
                await Task.Delay(200);
            }
            Assert.Contains("[sys] Starting process", Text(), StringComparison.Ordinal);
        }
    }
}
