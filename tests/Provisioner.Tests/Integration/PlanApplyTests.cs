using System.Text.Json;
using Rollout.Provisioner.Tests.Infrastructure;

namespace Rollout.Provisioner.Tests.Integration;

[Collection(StackCollection.Name)]
public sealed class PlanApplyTests(ProvisionerStack stack) : IAsyncLifetime
{
    /// <summary>A fresh replica: also PUBLIC's default access to the shared databases, which an earlier class's apply revoked.</summary>
    public async Task InitializeAsync()
    {
        await stack.ResetAsync();
        await stack.PostgresAsync("GRANT CONNECT, TEMPORARY ON DATABASE postgres TO PUBLIC; GRANT CONNECT, TEMPORARY ON DATABASE template1 TO PUBLIC");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Fresh_replica_plans_12_databases_12_users_and_grants_then_apply_converges_and_a_second_apply_executes_nothing()
    {
        var plan = await stack.LocalAsync("plan", "--output", "json");
        Assert.True(plan.ExitCode == 2, plan.All);
        var changes = JsonDocument.Parse(plan.Out).RootElement.GetProperty("servers").EnumerateArray()
            .SelectMany(s => s.GetProperty("changes").EnumerateArray()).ToList();
        // The backup accounts are planned too (BackupAccountPlanTests); these counts are the databases' own.
        string[] Subjects(string kind) => changes.Where(c => c.GetProperty("object").GetString() == kind && c.GetProperty("kind").GetString() == "add")
            .Select(c => c.GetProperty("subject").GetString()!).Where(s => !s.StartsWith(stack.Estate.Backup.Account, StringComparison.Ordinal)).ToArray();
        Assert.Equal(12, Subjects("database").Length);
        Assert.Equal(12, Subjects("user").Length);
        Assert.Equal(9, Subjects("grant").Length); // PostgreSQL users get their database by ownership (CREATE DATABASE … OWNER)
        Assert.Equal(6, Subjects("extension").Length);
        Assert.Contains("svc_crm@127.0.0.1 on mo_crm", Subjects("grant"));
        // PostgreSQL's shared databases lose PUBLIC's CONNECT, or every service role could log in there.
        var revoked = changes.Where(c => c.GetProperty("kind").GetString() == "revoke").Select(c => c.GetProperty("subject").GetString()).ToArray();
        Assert.Contains("PUBLIC on postgres", revoked);
        Assert.Contains("PUBLIC on template1", revoked);
        Assert.DoesNotContain(changes, c => c.GetProperty("subject").GetString()!.Contains("mo_main", StringComparison.Ordinal));

        var apply = await stack.LocalAsync("apply");
        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.Contains("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, REFERENCES, DROP, CREATE VIEW ON `mo\\_crm`.* TO 'svc_crm'@'127.0.0.1'", apply.Out);

        var again = await stack.LocalAsync("apply");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("0 statements executed", again.Out);
        Assert.DoesNotContain("executed [", again.Out);

        var after = await stack.LocalAsync("plan");
        Assert.Equal(0, after.ExitCode);
        Assert.Contains("Summary: 0 to add, 0 to change, 0 to revoke, 0 unmanaged.", after.Out);
    }

    [Fact]
    public async Task Run_by_the_AppHost_it_finds_the_local_state_through_ROLLOUT_STATE_DIR()
    {
        var plan = await stack.ProvisionerAsync(new Dictionary<string, string> { ["ROLLOUT_STATE_DIR"] = stack.StateDirectory }, "plan", "--environment", "local");
        Assert.True(plan.ExitCode == 2, plan.All);
        Assert.Contains("CREATE DATABASE IF NOT EXISTS `mo_crm`", plan.Out);
    }
}
