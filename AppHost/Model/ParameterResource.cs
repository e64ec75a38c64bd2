using Rollout.Topology.Model;

namespace Rollout.AppHost.Model;

/// <summary>
/// A parameter (Aspire's ParameterResource), here always a generated secret: the admin password of a
/// server or a service user's password. <see cref="SecretName"/> is its key in the secret stores
/// (MO_CRM_DB_PASS, ROLLOUT_ADMIN_PASS_EXTERNAL_MARIADB); compose and the publish README render it.
/// </summary>
public sealed class ParameterResource(string name, string secretName, bool secret = true)
    : IResource, IValueProvider, IManifestExpressionProvider, ISecretValue
{
    private Func<CancellationToken, ValueTask<Secret>>? _source;

    public string Name { get; } = name;

    public string Kind => "Parameter";

    public string SecretName { get; } = secretName;

    public bool IsSecret { get; } = secret;

    public string ValueExpression => $"{{{Name}.value}}";

    /// <summary>Binds where the value comes from at run time (the local secret store).</summary>
    public void BindValue(Func<CancellationToken, ValueTask<Secret>> source) => _source = source;

    public async ValueTask<Secret> GetSecretAsync(CancellationToken cancellationToken) =>
        _source is null
            ? throw new InvalidOperationException($"Parameter '{Name}' ({SecretName}) has no value source: it only has a value while the local stack runs.")
            : await _source(cancellationToken);

    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken) =>
        (await GetSecretAsync(cancellationToken)).Reveal();
}
