using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Passwords;

/// <summary>
/// Where the service users' passwords come from: the local secret store (which may receive newly
/// generated ones) or, for staging/production, environment variables named as in the plan.
/// </summary>
public sealed class ServicePasswords
{
    private readonly ISecretSource _source;
    private readonly ISecretStore? _store;

    private ServicePasswords(ISecretSource source, ISecretStore? store)
    {
        _source = source;
        _store = store;
    }

    /// <summary>The local environment: read from and generate into the local secret store.</summary>
    public static ServicePasswords Generating(ISecretStore store) => new(store, store);

    /// <summary>A remote environment: passwords must already exist (GitHub environment secrets exported as variables).</summary>
    public static ServicePasswords ReadOnly(ISecretSource source) => new(source, null);

    public string Description => _source.Description;

    public bool CanGenerate => _store is not null;

    public Task<IReadOnlyDictionary<string, Secret>> GetManyAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken) =>
        _source.GetManyAsync(names, cancellationToken);

    public async Task SaveAsync(string name, Secret value, CancellationToken cancellationToken)
    {
        if (_store is null) throw new InvalidOperationException($"{_source.Description} cannot store secrets.");
        await _store.SetAsync(name, value, cancellationToken);
    }

    public async Task SaveManyAsync(IReadOnlyDictionary<string, Secret> values, CancellationToken cancellationToken)
    {
        if (values.Count == 0) return;
        if (_store is null) throw new InvalidOperationException($"{_source.Description} cannot store secrets.");
        await _store.SetManyAsync(values, cancellationToken);
    }
}
