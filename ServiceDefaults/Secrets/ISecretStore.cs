using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Secrets;

/// <summary>Where secret values are read from (local file store, process environment, …).</summary>
public interface ISecretSource
{
    /// <summary>A short name for messages, e.g. "local store .rollout/secrets.json".</summary>
    string Description { get; }

    Task<Secret?> GetAsync(string name, CancellationToken cancellationToken);
}

/// <summary>A secret source that can also be written.</summary>
public interface ISecretStore : ISecretSource
{
    Task SetAsync(string name, Secret value, CancellationToken cancellationToken);
}

/// <summary>Reads secrets from process environment variables (CI: GitHub environment secrets).</summary>
public sealed class EnvironmentVariableSecretSource(Func<string, string?>? variables = null) : ISecretSource
{
    private readonly Func<string, string?> _variables = variables ?? Environment.GetEnvironmentVariable;

    public string Description => "environment variables";

    public Task<Secret?> GetAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_variables(name) is { Length: > 0 } value ? new Secret(value) : null);
}
