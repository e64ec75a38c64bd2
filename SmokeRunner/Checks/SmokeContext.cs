using System.Collections.Concurrent;
using Rollout.ServiceDefaults.Secrets;
using Rollout.SmokeRunner.Network;
using Rollout.Topology.Binding;

namespace Rollout.SmokeRunner.Checks;

/// <summary>Everything one run shares: the bound environment, the service logins, the settings and the relays it opened.</summary>
public sealed class SmokeContext(EnvironmentBinding binding, ISecretSource secrets, SmokeSettings settings) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<SourceAddressRelay>> _relays = new();

    public EnvironmentBinding Binding { get; } = binding;

    public ServiceLogins Logins { get; } = new(binding, secrets);

    public SmokeSettings Settings { get; } = settings;

    /// <summary>
    /// A relay to the server whose outgoing side comes from <see cref="SmokeSettings.ForeignSourceAddress"/>;
    /// null when the server is not on loopback (from a remote runner we cannot pick a source the server would see).
    /// </summary>
    public SourceAddressRelay? ForeignSourceRelay(ServerEndpoint endpoint)
    {
        if (!SourceAddressRelay.IsLoopback(endpoint.Host)) return null;
        return _relays.GetOrAdd(endpoint.Name,
            _ => new Lazy<SourceAddressRelay>(() => SourceAddressRelay.Start(endpoint.Host, endpoint.Port, Settings.ForeignSourceAddress))).Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in _relays.Values.Where(r => r.IsValueCreated))
            await relay.Value.DisposeAsync();
    }
}
