using System.Collections.Concurrent;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Checks;

/// <summary>A service user's credentials for its own database, resolved from the environment's secret source.</summary>
public sealed record ServiceLogin(DatabaseSpec Database, ServerEndpoint Endpoint, Secret Password)
{
    public string User => Database.User;
    public string PasswordSource { get; init; } = "";
}

/// <summary>
/// Looks up each service user's password once (secret name <see cref="DatabaseSpec.PasswordSecretName"/>)
/// and caches it, so a missing secret is reported the same way by every check that needs it.
/// </summary>
public sealed class ServiceLogins(EnvironmentBinding binding, ISecretSource secrets)
{
    private readonly ConcurrentDictionary<string, Task<ServiceLogin>> _logins = new();

    public ISecretSource Source => secrets;

    /// <summary>The login of a database's service user; throws <see cref="MissingSecretException"/> when the secret is absent.</summary>
    public Task<ServiceLogin> ForAsync(DatabaseSpec database, CancellationToken cancellationToken) =>
        _logins.GetOrAdd(database.Name, _ => ResolveAsync(database, cancellationToken));

    private async Task<ServiceLogin> ResolveAsync(DatabaseSpec database, CancellationToken cancellationToken)
    {
        var password = await secrets.GetAsync(database.PasswordSecretName, cancellationToken);
        if (password is null || password.IsEmpty)
            throw new MissingSecretException(
                $"secret {database.PasswordSecretName} (password of {database.User}) is not in {secrets.Description}: " +
                "provision the database first (Provisioner apply) or set the secret.");
        return new ServiceLogin(database, binding.EndpointOf(database), password)
        {
            PasswordSource = $"{database.PasswordSecretName} from {secrets.Description}",
        };
    }
}

public sealed class MissingSecretException(string message) : Exception(message);
