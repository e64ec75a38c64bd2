using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Secrets;

/// <summary>Where secret values are read from (local file store, process environment, …).</summary>
public interface ISecretSource
{
    /// <summary>A short name for messages, e.g. "local store .rollout/secrets.json".</summary>
    string Description { get; }

    Task<Secret?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>The secrets among these names that exist. Sources that read a whole file override it to read once.</summary>
    async Task<IReadOnlyDictionary<string, Secret>> GetManyAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, Secret>(StringComparer.Ordinal);
        foreach (var name in names)
            if (await GetAsync(name, cancellationToken) is { } value) found[name] = value;
        return found;
    }
}

/// <summary>A secret source that can also be written.</summary>
public interface ISecretStore : ISecretSource
{
    Task SetAsync(string name, Secret value, CancellationToken cancellationToken);

    /// <summary>Stores several secrets; a file-backed store overrides it to write once.</summary>
    async Task SetManyAsync(IReadOnlyDictionary<string, Secret> values, CancellationToken cancellationToken)
    {
        foreach (var (name, value) in values) await SetAsync(name, value, cancellationToken);
    }
}

/// <summary>Reads secrets from process environment variables (CI: GitHub environment secrets).</summary>
public sealed class EnvironmentVariableSecretSource(Func<string, string?>? variables = null) : ISecretSource
{
    private readonly Func<string, string?> _variables = variables ?? Environment.GetEnvironmentVariable;

    public string Description => "environment variables";

    public Task<Secret?> GetAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_variables(name) is { Length: > 0 } value ? new Secret(value) : null);
}
