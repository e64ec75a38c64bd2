using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace Rollout.AppHost.Tests.Stack;

/// <summary>
/// What `dotnet run --project AppHost` does, through Aspire.Hosting.Testing: the servers healthy, the Provisioner
/// (AddProject, WaitFor the servers) applies the estate, then the SmokeRunner (WaitForCompletion) checks it green.
/// </summary>
[Collection(SoloCollection.Name)]
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

    /// <summary>
    /// Issue 14 item 3: an estate file in a folder outside the repository (another organisation's: other database names)
    /// drives the servers and the projects, which the AppHost finds from its own build and tells the estate and state directory.
    /// </summary>
    [Fact]
    public async Task Another_estate_file_outside_the_repository_is_provisioned_and_smoke_green_and_none_of_rollout_yaml_appears()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var elsewhere = Directory.CreateTempSubdirectory("rollout-other-estate-").FullName;
        try
        {
            var repositoryEstate = Topology.Loading.EstateLoader.Locate(AppContext.BaseDirectory);
            var other = Path.Combine(elsewhere, "rollout.yaml");
            await File.WriteAllTextAsync(other, (await File.ReadAllTextAsync(repositoryEstate, timeout.Token)).Replace("mo_", "xo_", StringComparison.Ordinal), timeout.Token);
            await using var estate = await EstateTestHost.StartAsync(new EstateTestOptions { EstatePath = other, RunProjects = true }, timeout.Token);

            var provisioner = await estate.WaitForCompletionAsync("provisioner", timeout.Token);
            Assert.True(provisioner == 0, $"provisioner exit code {provisioner}:{Environment.NewLine}{await estate.ConsoleLogAsync("provisioner")}");
            var smokeRunner = await estate.WaitForCompletionAsync("smokerunner", timeout.Token);
            Assert.True(smokeRunner == 0, $"smokerunner exit code {smokeRunner}:{Environment.NewLine}{await estate.ConsoleLogAsync("smokerunner")}");

            var binding = await estate.BindAsync(timeout.Token);
            foreach (var server in new[] { "plesk", "external-mariadb" })
            {
                // The existing (Plesk) replica is read as every program reads it: a read-only admin session.
                await using var admin = (MySqlConnection)await Rollout.ServiceDefaults.Connections.DatabaseConnectionFactory.OpenReadOnlyAdminAsync(
                    binding.Servers[server], null, new Rollout.ServiceDefaults.Connections.ConnectionOptions(Pooling: false), timeout.Token);
                await using var command = new MySqlCommand("SELECT GROUP_CONCAT(SCHEMA_NAME) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'mo\\_%'", admin);
                Assert.Equal(DBNull.Value, await command.ExecuteScalarAsync(timeout.Token));
                await using var ours = new MySqlCommand("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'xo\\_%'", admin);
                Assert.True(Convert.ToInt64(await ours.ExecuteScalarAsync(timeout.Token)) > 0, $"no xo_ database on {server}");
            }
            await using var postgres = (Npgsql.NpgsqlConnection)Rollout.ServiceDefaults.Connections.DatabaseConnectionFactory.Admin(estate.Endpoint("external-postgres"), "postgres",
                new Rollout.ServiceDefaults.Connections.ConnectionOptions(Pooling: false));
            await postgres.OpenAsync(timeout.Token);
            await using var databases = new Npgsql.NpgsqlCommand("SELECT string_agg(datname, ',') FROM pg_database WHERE datname LIKE 'mo\\_%'", postgres);
            Assert.Equal(DBNull.Value, await databases.ExecuteScalarAsync(timeout.Token));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}
