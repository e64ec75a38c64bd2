using Rollout.ServiceDefaults.Local;
using Rollout.SmokeRunner.Checks;
using Rollout.SmokeRunner.Engines;
using Rollout.SmokeRunner.Tests.Fixtures;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Tests;

/// <summary>
/// The Plesk baseline is read the way the Provisioner reads the existing server: as the admin the environment binds
/// for it, on a read-only session. With that admin no row is skipped; without it the service users' view remains.
/// </summary>
[Collection(ProvisionedEstateCollection.Name)]
public class PleskAdminBaselineTests(ProvisionedEstateFixture estate)
{
    private const string Plesk = "plesk";

    [Fact]
    public async Task With_an_admin_bound_for_the_existing_server_every_baseline_row_is_read_and_passes()
    {
        var password = await estate.Secrets.GetAsync(LocalSecretNames.AdminPassword(Plesk), CancellationToken.None);
        Assert.NotNull(password);
        var plesk = estate.Binding.Servers[Plesk] with { AdminUser = LocalSecretNames.AdminUser, AdminPassword = password };
        var binding = WithServer(estate.Binding, plesk);
        await using var context = new SmokeContext(binding, estate.Secrets, SmokeSettings.From(estate.Estate, 4));

        var results = await SmokeEngines.For(Engine.MariaDb).CheckBaselineAsync(context, plesk, CancellationToken.None);

        Assert.Equal(6, results.Count);
        Assert.All(results, r => Assert.True(r.Outcome == Outcome.Passed, $"{r.Check}: {r.Outcome} {r.Detail}"));
        Assert.DoesNotContain(results, r => r.Detail.Contains("no admin account", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_admin_the_rows_only_an_admin_can_see_are_skipped_saying_why()
    {
        // A production Plesk binding without PLESK admin credentials: the same endpoint with the admin taken away.
        var plesk = estate.Binding.Servers[Plesk] with { AdminUser = null, AdminPassword = null };
        await using var context = new SmokeContext(WithServer(estate.Binding, plesk), estate.Secrets, SmokeSettings.From(estate.Estate, 4));

        var results = await SmokeEngines.For(Engine.MariaDb).CheckBaselineAsync(context, plesk, CancellationToken.None);

        Assert.Equal(3, results.Count(r => r.Outcome == Outcome.Skipped && r.Detail.Contains("no admin account in the environment", StringComparison.Ordinal)));
        Assert.DoesNotContain(results, r => r.Outcome == Outcome.Failed);
    }

    private static EnvironmentBinding WithServer(EnvironmentBinding binding, ServerEndpoint endpoint) =>
        binding with { Servers = binding.Servers.Values.ToDictionary(s => s.Name, s => s.Name == endpoint.Name ? endpoint : s) };
}
