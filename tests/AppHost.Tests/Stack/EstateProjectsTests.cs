using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace Rollout.AppHost.Tests.Stack;

/// <summary>
/// What `dotnet run --project AppHost` does, through Aspire.Hosting.Testing: the servers healthy, the Provisioner
/// (AddProject, WaitFor the servers) applies the estate, then the SmokeRunner (WaitForCompletion) checks it green.
/// </summary>
public sealed class EstateProjectsTests
{
    [Fact]
    public async Task The_provisioner_applies_and_the_smokerunner_checks_green_under_the_apphost()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await using var estate = await EstateTestHost.StartAsync(new EstateTestOptions { RunProjects = true }, timeout.Token);

        var provisioner = await estate.WaitForCompletionAsync("provisioner", timeout.Token);
        Assert.True(provisioner == 0, $"provisioner exit code {provisioner}:{Environment.NewLine}{await estate.ConsoleLogAsync("provisioner")}");
        var smokeRunner = await estate.WaitForCompletionAsync("smokerunner", timeout.Token);
        Assert.True(smokeRunner == 0, $"smokerunner exit code {smokeRunner}:{Environment.NewLine}{await estate.ConsoleLogAsync("smokerunner")}");

        // The estate actions as resource commands (what the dashboard's buttons, `aspire resource` and the MCP tool run).
        var commands = estate.App.Services.GetRequiredService<ResourceCommandService>();
        var plan = await commands.ExecuteCommandAsync("provisioner", "plan", timeout.Token);
        Assert.True(plan.Success, plan.Message);
        var apply = await commands.ExecuteCommandAsync("provisioner", "apply", timeout.Token);
        Assert.True(apply.Success, apply.Message);
        var smoke = await commands.ExecuteCommandAsync("smokerunner", "smoke", timeout.Token);
        Assert.True(smoke.Success, smoke.Message);

        // The database resource's connection string is the service user's (Aspire parameter from .rollout/secrets.json), never the admin's.
        var connection = new MySqlConnectionStringBuilder(await estate.GetConnectionStringAsync("mo-crm", timeout.Token))
        {
            SslMode = MySqlSslMode.VerifyCA,
            SslCa = estate.CaCertificatePath,
            Pooling = false,
        };
        Assert.Equal("svc_crm", connection.UserID);
        await using var database = new MySqlConnection(connection.ConnectionString);
        await database.OpenAsync(timeout.Token);
        Assert.Equal("mo_crm", database.Database);
    }
}
