using Rollout.Provisioner.Applying;
using Rollout.Provisioner.Passwords;
using Rollout.Provisioner.Planning;
using Rollout.Provisioner.Tests.Infrastructure;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Local;
using Rollout.Topology.Binding;

namespace Rollout.Provisioner.Tests.Integration;

/// <summary>
/// An admin bound for the existing server is used read-only: the Provisioner reads the catalogs on a read-only
/// session and confirms the documented databases and accounts; the session refuses any write.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExistingServerAdminTests(ProvisionerStack stack)
{
    private async Task<(EnvironmentBinding Binding, ServerEndpoint Plesk)> BindWithPleskAdminAsync()
    {
        var binding = await LocalEnvironmentBinder.BindAsync(stack.Estate, stack.StateDirectory, CancellationToken.None);
        var plesk = binding.Servers[ProvisionerStack.PleskName] with { AdminUser = LocalSecretNames.AdminUser, AdminPassword = stack.Plesk.AdminPassword };
        return (binding with { Servers = binding.Servers.Values.ToDictionary(s => s.Name, s => s.Name == plesk.Name ? plesk : s) }, plesk);
    }

    [Fact]
    public async Task The_plan_reads_the_existing_servers_catalogs_as_its_admin_and_finds_every_documented_database_and_account()
    {
        var (binding, _) = await BindWithPleskAdminAsync();

        var plan = await new EnvironmentPlanner(binding, ServicePasswords.Generating(stack.Secrets)).PlanAsync(prune: false, CancellationToken.None);

        var catalog = Assert.Single(plan.ExistingChecks, c => c.Database == "(catalog)");
        Assert.True(catalog.Succeeded, catalog.Detail);
        Assert.Contains("5 databases and their accounts present", catalog.Detail);
        Assert.Contains("read-only session", catalog.Detail);
        Assert.DoesNotContain(plan.Servers, s => s.Endpoint.Name == ProvisionerStack.PleskName);
    }

    [Fact]
    public async Task A_documented_account_missing_on_the_existing_server_fails_the_check_naming_it()
    {
        var (binding, _) = await BindWithPleskAdminAsync();
        var estate = binding.Estate with
        {
            Databases = binding.Estate.Databases.Select(d => d.Name == "mo_forum" ? d with { UserHost = "10.9.8.7" } : d).ToList(),
        };

        var checks = await ExistingServerChecks.RunAsync(binding with { Estate = estate, Databases = estate.Databases }, ServicePasswords.Generating(stack.Secrets), CancellationToken.None);

        var catalog = Assert.Single(checks, c => c.Database == "(catalog)");
        Assert.False(catalog.Succeeded);
        Assert.Equal("missing on the server: account svc_forum@'10.9.8.7'", catalog.Detail);
    }

    [Fact]
    public async Task The_read_only_admin_session_refuses_a_write()
    {
        var (_, plesk) = await BindWithPleskAdminAsync();

        await using var connection = await DatabaseConnectionFactory.OpenReadOnlyAdminAsync(plesk, "mo_main", new ConnectionOptions(Pooling: false), CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE rollout_must_not_exist (id INT)";

        var refused = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());
        Assert.Contains("READ ONLY", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", (await stack.MariaDbAdminAsync(stack.Plesk, "SHOW TABLES FROM mo_main LIKE 'rollout_must_not_exist'")).Trim());
    }
}
