using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Secrets;

/// <summary>A secret with its name, as handed from a source to a target. Prints only its name.</summary>
public sealed record NamedSecret(string Name, Secret Value)
{
    public override string ToString() => Name;
}

public enum SecretChange { Create, Update, Unchanged }

/// <summary>What a target would do with one secret; <see cref="Reason"/> says why (never the value).</summary>
public sealed record PlannedSecretWrite(string Name, SecretChange Change, string Reason);

/// <summary>
/// A place an environment's secrets are written to as a set: the local store, a GitHub environment,
/// a .env file. <see cref="PlanAsync"/> writes nothing; <see cref="WriteAsync"/> writes only what changed
/// and returns what it wrote, so a failure part-way can say exactly what was and was not written.
/// </summary>
public interface ISecretTarget
{
    string Description { get; }

    Task<IReadOnlyList<PlannedSecretWrite>> PlanAsync(IReadOnlyList<NamedSecret> secrets, CancellationToken cancellationToken);

    Task<IReadOnlyList<PlannedSecretWrite>> WriteAsync(IReadOnlyList<NamedSecret> secrets, CancellationToken cancellationToken);
}

/// <summary>Thrown when a target stops part-way: names what was written before the failure and what was not.</summary>
public sealed class SecretWriteException(string target, IReadOnlyList<string> written, IReadOnlyList<string> notWritten, string reason, Exception? inner = null)
    : Exception($"{target}: {reason}{Environment.NewLine}  written before the failure ({written.Count}): {(written.Count == 0 ? "none" : string.Join(", ", written))}" +
        $"{Environment.NewLine}  NOT written ({notWritten.Count}): {(notWritten.Count == 0 ? "none" : string.Join(", ", notWritten))}" +
        $"{Environment.NewLine}  Re-run the same command to finish; what is already written is not written again.", inner)
{
    public IReadOnlyList<string> Written { get; } = written;
    public IReadOnlyList<string> NotWritten { get; } = notWritten;
    public string Reason { get; } = reason;
}

/// <summary>Any secret store used as a target: writes each secret whose stored value differs.</summary>
public sealed class SecretStoreTarget(ISecretStore store) : ISecretTarget
{
    public string Description => store.Description;

    public async Task<IReadOnlyList<PlannedSecretWrite>> PlanAsync(IReadOnlyList<NamedSecret> secrets, CancellationToken cancellationToken)
    {
        var plan = new List<PlannedSecretWrite>();
        foreach (var secret in secrets)
        {
            var current = await store.GetAsync(secret.Name, cancellationToken);
            plan.Add(current is null ? new(secret.Name, SecretChange.Create, "not in the store")
                : current.Equals(secret.Value) ? new(secret.Name, SecretChange.Unchanged, "same value")
                : new(secret.Name, SecretChange.Update, "value differs"));
        }
        return plan;
    }

    public async Task<IReadOnlyList<PlannedSecretWrite>> WriteAsync(IReadOnlyList<NamedSecret> secrets, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(secrets, cancellationToken);
        foreach (var write in plan.Where(p => p.Change != SecretChange.Unchanged))
            await store.SetAsync(write.Name, secrets.First(s => s.Name == write.Name).Value, cancellationToken);
        return plan;
    }
}
