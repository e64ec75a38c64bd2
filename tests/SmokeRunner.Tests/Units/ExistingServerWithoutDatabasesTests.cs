using Rollout.ServiceDefaults.Secrets;
using Rollout.SmokeRunner.Checks;
using Rollout.SmokeRunner.Engines;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;

namespace Rollout.SmokeRunner.Tests.Units;

/// <summary>
/// Validation refuses an existing server without databases; an environment may still enable none of its (optional)
/// databases. Its baseline is then skipped with the reason — never failed, so the run is not stuck red on it.
/// </summary>
public class ExistingServerWithoutDatabasesTests
{
    [Fact]
    public async Task The_baseline_of_an_existing_server_the_environment_leaves_without_databases_is_skipped_with_the_reason()
    {
        var text = File.ReadAllText(StagingBinding.EstatePath);
        var optionalPlesk = text.Replace("{ server: plesk, ", "{ server: plesk, optional: true, ", StringComparison.Ordinal);
        Assert.Equal(5, (optionalPlesk.Length - text.Length) / "optional: true, ".Length);
        var estate = EstateLoader.LoadText(optionalPlesk, StagingBinding.EstatePath);
        var binding = RemoteEnvironmentBinder.Bind(estate, "staging", name => StagingBinding.Variables.GetValueOrDefault(name));
        Assert.Empty(binding.DatabasesOn("plesk"));
        await using var context = new SmokeContext(binding, new EnvironmentVariableSecretSource(_ => null), SmokeSettings.From(estate, 1));

        var results = await SmokeEngines.For(Topology.Model.Engine.MariaDb).CheckBaselineAsync(context, binding.Servers["plesk"], CancellationToken.None);

        Assert.Equal(6, results.Count);
        Assert.All(results, r => Assert.Equal(Outcome.Skipped, r.Outcome));
        Assert.All(results, r => Assert.Contains("environment 'staging' has no database on this existing server", r.Detail));
    }
}
