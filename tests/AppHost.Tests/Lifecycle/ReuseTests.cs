using MySqlConnector;
using Rollout.AppHost.Local;
using Rollout.AppHost.Local.Processes;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Local;

namespace Rollout.AppHost.Tests.Lifecycle;

public sealed class ReuseTests
{
    [Fact]
    public async Task A_second_run_reuses_data_and_secrets_and_fresh_starts_from_nothing()
    {
        using var state = new TemporaryDirectory();
        string firstPassword;
        await using (var first = await EstateTestHost.StartAsync(new EstateTestOptions { StateDirectory = state.Path }))
        {
            firstPassword = (await first.Secrets.GetAsync(LocalSecretNames.AdminPassword("external-mariadb"), CancellationToken.None))!.Reveal();
            await ExecuteAsync(first, "CREATE DATABASE reuse_marker");
        }

        await using (var second = await EstateTestHost.StartAsync(new EstateTestOptions { StateDirectory = state.Path }))
        {
            Assert.Equal(firstPassword, (await second.Secrets.GetAsync(LocalSecretNames.AdminPassword("external-mariadb"), CancellationToken.None))!.Reveal());
            Assert.Equal(1L, await ExecuteAsync(second, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'reuse_marker'"));
            // Seeding is idempotent: the Plesk users still log in with the passwords of the first run.
            var main = second.Estate.Database("mo_main");
            await using var service = DatabaseConnectionFactory.MariaDb(second.Endpoint("plesk"), main.User,
                (await second.Secrets.GetAsync(main.PasswordSecretName, CancellationToken.None))!, main.Name, new ConnectionOptions(Pooling: false));
            await service.OpenAsync();
        }

        await using var fresh = await EstateTestHost.StartAsync(new EstateTestOptions { StateDirectory = state.Path, Arguments = ["--fresh"] });
        var freshPassword = (await fresh.Secrets.GetAsync(LocalSecretNames.AdminPassword("external-mariadb"), CancellationToken.None))!;
        Assert.NotEqual(firstPassword, freshPassword.Reveal());
        var endpoint = (await LocalEnvironmentBinder.BindAsync(fresh.Estate, state.Path, CancellationToken.None)).Servers["external-mariadb"];
        await using var admin = (MySqlConnection)DatabaseConnectionFactory.Admin(endpoint, options: new ConnectionOptions(Pooling: false));
        await admin.OpenAsync();
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'reuse_marker'", admin);
        Assert.Equal(0L, Convert.ToInt64(await command.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task Server_processes_left_by_a_previous_apphost_are_killed_on_the_next_start()
    {
        using var state = new TemporaryDirectory();
        var layout = new StateLayout(state.Path);
        layout.Create();
        using var ghost = await ChildProcessLauncher.StartAsync(new LaunchSpec("/bin/sleep", ["600"], layout.Log("ghost"), null));
        new LeftoverProcesses(layout.ProcessesFile).Record(ghost.Id, "ghost");

        await using var stack = await EstateTestHost.StartAsync(new EstateTestOptions { StateDirectory = state.Path });

        Assert.True(ghost.HasExited, "the recorded leftover process was not killed");
    }

    private static async Task<long> ExecuteAsync(EstateTestHost stack, string sql)
    {
        await using var connection = (MySqlConnection)DatabaseConnectionFactory.Admin(stack.Endpoint("external-mariadb"), options: new ConnectionOptions(Pooling: false));
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L);
    }
}
