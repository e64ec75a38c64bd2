using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Redaction;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;
using Rollout.Topology.Secrets;

namespace Rollout.Provisioner.Secrets;

/// <summary>One catalogue entry with its value (or why it has none) and where the value came from.</summary>
public sealed record ResolvedSecret(SecretEntry Entry, Secret? Value, string Source, string? Missing)
{
    public string Name => Entry.Name;
    public bool IsPresent => Value is not null;
}

/// <summary>
/// Finds the values of an environment's catalogue: for `local` in the local secret store and the
/// running stack's resources.json (literals of rollout.yaml when it is not running); for remote
/// environments in environment variables (as GitHub Actions and an operator's shell provide them).
/// </summary>
public sealed class SecretValues(string stateDirectory, Func<string, string?> variables)
{
    public async Task<IReadOnlyList<ResolvedSecret>> ResolveAsync(SecretCatalogue catalogue, CancellationToken cancellationToken)
    {
        var local = catalogue.Environment.Kind == EnvironmentKind.Local;
        var store = LocalSecretStore.InStateDirectory(stateDirectory);
        var snapshot = local ? await TryReadSnapshotAsync(cancellationToken) : null;
        var result = new List<ResolvedSecret>();
        foreach (var entry in catalogue.Entries)
        {
            result.Add(entry.Origin switch
            {
                SecretOriginKind.EstateLiteral => new ResolvedSecret(entry, new Secret(entry.Literal!), $"rollout.yaml {entry.OriginPath}", null),
                SecretOriginKind.Setting when local => FromLocalSetting(entry, snapshot),
                SecretOriginKind.Setting => FromVariableSetting(entry),
                SecretOriginKind.ServicePassword when local => await FromStoreAsync(entry, store, cancellationToken),
                SecretOriginKind.ServicePassword => FromVariable(entry, entry.Name,
                    $"set {entry.Name} (the password of {entry.Database!.User}; for a new user the provisioner generates it)"),
                SecretOriginKind.PrivateKey => await PrivateKeyAsync(entry, cancellationToken),
                SecretOriginKind.OperationalCredential when local => await FromStoreAsync(entry, store, cancellationToken, entry.Server switch
                {
                    { IsDatabaseServer: true } => $"not in the local store: `Provisioner apply --env local` generates {entry.Name} with the {entry.Purpose}",
                    // Redis's monitoring user is an ACL line the AppHost writes when it starts the server.
                    not null => $"not in the local store: the AppHost generates {entry.Name} when it starts {entry.Server.Name}",
                    null => $"not in the local store: the first `Backup` command (e.g. `Backup list --env local`) generates {entry.Name}",
                }),
                SecretOriginKind.OperationalCredential => FromVariable(entry, entry.Name, entry.Server is not null
                    ? $"set {entry.Name} ({entry.Purpose}; a new one: `openssl rand -base64 32`{(entry.Server.IsDatabaseServer ? ", apply sets it" : "")})"
                    : $"set {entry.Name} ({entry.Purpose}: the key the repository was initialised with; a new repository takes any strong value, e.g. `openssl rand -base64 32`)"),
                _ => throw new InvalidOperationException($"unknown origin {entry.Origin}"),
            });
            // Defence in depth: a redacting console masks these should any ever reach output.
            if (entry.IsCredential && result[^1].Value is { } credential) SecretRedactor.Shared.Register(credential);
        }
        return result;
    }

    private ResolvedSecret FromLocalSetting(SecretEntry entry, ResourceSnapshot? snapshot)
    {
        var running = snapshot?.Resources.FirstOrDefault(r => r.Name == entry.Server?.Name);
        var isPort = entry.OriginPath.EndsWith(".port", StringComparison.Ordinal);
        if (running is { Host: { } host, Port: { } port })
            return new ResolvedSecret(entry, new Secret(isPort ? port.ToString(System.Globalization.CultureInfo.InvariantCulture) : host),
                $"running stack ({ResourceSnapshot.FileName})", null);
        return new ResolvedSecret(entry, new Secret(entry.Setting!.Raw), $"rollout.yaml {entry.OriginPath} (stack not running)", null);
    }

    private ResolvedSecret FromVariableSetting(SecretEntry entry)
    {
        var setting = entry.Setting!;
        if (setting.VariableName is not { } variable)
            return new ResolvedSecret(entry, new Secret(setting.Raw), $"rollout.yaml {entry.OriginPath}", null);
        if (variables(variable) is { Length: > 0 } value)
            return new ResolvedSecret(entry, new Secret(value), $"${variable}", null);
        if (setting.DefaultValue is { Length: > 0 } fallback)
            return new ResolvedSecret(entry, new Secret(fallback), $"default in rollout.yaml {entry.OriginPath} (${variable} unset)", null);
        return new ResolvedSecret(entry, null, $"${variable}", $"set {variable} ({entry.OriginPath})");
    }

    private ResolvedSecret FromVariable(SecretEntry entry, string variable, string hint) =>
        variables(variable) is { Length: > 0 } value
            ? new ResolvedSecret(entry, new Secret(value), $"${variable}", null)
            : new ResolvedSecret(entry, null, $"${variable}", hint);

    private static async Task<ResolvedSecret> FromStoreAsync(SecretEntry entry, LocalSecretStore store, CancellationToken cancellationToken, string? missing = null) =>
        await store.GetAsync(entry.Name, cancellationToken) is { } value
            ? new ResolvedSecret(entry, value, store.Description, null)
            : new ResolvedSecret(entry, null, store.Description,
                missing ?? $"not in the local store: start the stack (`dotnet run --project AppHost`) and provision it, which generates {entry.Name}");

    private async Task<ResolvedSecret> PrivateKeyAsync(SecretEntry entry, CancellationToken cancellationToken)
    {
        const string file = SecretCatalogue.SshPrivateKeyFileVariable;
        if (variables(file) is { Length: > 0 } path)
        {
            if (!File.Exists(path))
                return new ResolvedSecret(entry, null, $"file ${file}", $"${file} names {path}, which does not exist");
            var key = await File.ReadAllTextAsync(path, cancellationToken);
            return key.Contains("PRIVATE KEY", StringComparison.Ordinal)
                ? new ResolvedSecret(entry, new Secret(key), $"file ${file} ({path})", null)
                : new ResolvedSecret(entry, null, $"file ${file}", $"{path} (from ${file}) holds no PRIVATE KEY block");
        }
        return FromVariable(entry, entry.Name, $"set {file} to the deploy key's file (or {entry.Name} to the key itself)");
    }

    private async Task<ResourceSnapshot?> TryReadSnapshotAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ResourceSnapshot.ReadAsync(stateDirectory, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
