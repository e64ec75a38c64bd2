using Rollout.Topology.Model;

namespace Rollout.AppHost.Model;

/// <summary>
/// A parameter (Aspire's ParameterResource), here always a generated secret: the admin password of a
/// server or a service user's password. <see cref="SecretName"/> is its key in the secret stores
/// (MO_CRM_DB_PASS, ROLLOUT_ADMIN_PASS_EXTERNAL_MARIADB); publish renders it as {name.value} with
/// inputs.value.default.generate.minLength.
/// </summary>
public sealed class ParameterResource(string name, string secretName, bool secret = true, int generateMinLength = 22)
    : IResource, IValueProvider, IManifestExpressionProvider, ISecretValue
{
    private Func<CancellationToken, ValueTask<Secret>>? _source;

    public string Name { get; } = name;

    public string Kind => "Parameter";

    public string SecretName { get; } = secretName;

    public bool IsSecret { get; } = secret;

    /// <summary>Minimum length of a generated value (Aspire's GenerateParameterDefault.MinLength).</summary>
    public int GenerateMinLength { get; } = generateMinLength;

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
