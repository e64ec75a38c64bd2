using System.Collections.Concurrent;
using System.Security.Cryptography;
using Rollout.AppHost.Local.Processes;
using Rollout.AppHost.Local.Templates;
using Rollout.AppHost.Local.Tls;
using Rollout.ServiceDefaults.Passwords;
using Rollout.ServiceDefaults.Redaction;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Local;

/// <summary>What every local server of one AppHost run shares: state layout, CA, secret store, programs, process record.</summary>
public sealed class LocalServerContext(
    Estate estate,
    StateLayout layout,
    LocalCertificateAuthority certificateAuthority,
    LocalSecretStore secrets,
    ServerBinaries binaries,
    LeftoverProcesses leftovers,
    TemplateCache? templateCache = null)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _templateGates = new();
    private readonly ConcurrentDictionary<string, string> _templates = new();

    public Estate Estate { get; } = estate;

    public StateLayout Layout { get; } = layout;

    public LocalCertificateAuthority CertificateAuthority { get; } = certificateAuthority;

    public LocalSecretStore Secrets { get; } = secrets;

    public ServerBinaries Binaries { get; } = binaries;

    public LeftoverProcesses Leftovers { get; } = leftovers;

    /// <summary>The per-user cache of pristine data directories; null when disabled.</summary>
    public TemplateCache? TemplateCache { get; } = templateCache;

    /// <summary>The secret under <paramref name="name"/>, generated (32 random bytes, base64) and stored when missing.</summary>
    public Task<Secret> EnsureSecretAsync(string name, CancellationToken cancellationToken) => EnsureSecretAsync(Secrets, name, cancellationToken);

    /// <summary>The secret under <paramref name="name"/> in <paramref name="secrets"/>, generated and stored when missing; registered for redaction.</summary>
    public static async Task<Secret> EnsureSecretAsync(LocalSecretStore secrets, string name, CancellationToken cancellationToken)
    {
        if (await secrets.GetAsync(name, cancellationToken) is { IsEmpty: false } existing)
        {
            SecretRedactor.Shared.Register(existing);
            return existing;
        }
        var generated = GeneratedPassword.New();
        SecretRedactor.Shared.Register(generated);
        await secrets.SetAsync(name, generated, cancellationToken);
        return generated;
    }

    /// <summary>
    /// The pristine data directory of the template <paramref name="name"/>, made at most once per run
    /// (both MariaDB servers share one; <paramref name="recipe"/> runs only then): from the per-user cache when it has a valid entry, else built in
    /// the state directory (and stored in the cache when there is one). Copy it with
    /// <see cref="CopyTemplateAsync"/>; never start a server on it.
    /// </summary>
    public async Task<string> TemplateAsync(string name, Func<CancellationToken, Task<DataDirectoryTemplate>> recipe, ServerAccount? account,
        string logPath, CancellationToken cancellationToken)
    {
        var gate = _templateGates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (_templates.TryGetValue(name, out var known)) return known;
            var template = await recipe(cancellationToken);
            if (TemplateCache?.TryGet(template) is { } cached)
            {
                await LogAsync(logPath, $"template {template.Name}: copied from the cache {Path.GetDirectoryName(cached)} (built {TemplateCache.BuiltAt(cached):O}), not rebuilt", cancellationToken);
                return _templates[template.Name] = cached;
            }
            var built = Path.Combine(Layout.DataRoot, ".template-" + template.Name);
            if (Directory.Exists(built)) Directory.Delete(built, recursive: true);
            Directory.CreateDirectory(built);
            File.SetUnixFileMode(built, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            ServerAccount.Own(account, built);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await template.BuildAsync(built, cancellationToken);
            if (TemplateCache is null)
            {
                await LogAsync(logPath, $"template {template.Name}: built in {clock.Elapsed.TotalSeconds:0.0} s (template cache disabled)", cancellationToken);
                return _templates[template.Name] = built;
            }
            string entry;
            try
            {
                entry = await TemplateCache.PublishAsync(template, built, logPath, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LocalServerException($"Cannot store the {template.Name} template in the cache {TemplateCache.Root}: {e.Message} " +
                    $"Make that directory writable, point {TemplateCache.EnvironmentVariable} elsewhere, or disable the cache (--no-template-cache).", e);
            }
            await LogAsync(logPath, $"template {template.Name}: built in {clock.Elapsed.TotalSeconds:0.0} s and stored in the cache {Path.GetDirectoryName(entry)}", cancellationToken);
            return _templates[template.Name] = entry;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Copies a template into <paramref name="target"/> (which must not hold data), owned by the
    /// server's account: into target.partial first, <paramref name="finishAsync"/> there (e.g. set the
    /// admin password), then renamed into place, so a killed start never leaves a half-made data directory.
    /// </summary>
    public static async Task CopyTemplateAsync(string template, string target, ServerAccount? account, string logPath,
        Func<string, CancellationToken, Task>? finishAsync, CancellationToken cancellationToken)
    {
        var partial = target + ".partial";
        foreach (var stale in new[] { partial, target }.Where(Directory.Exists)) Directory.Delete(stale, recursive: true);
        // As the AppHost's user: the server's account may not be able to read the per-user cache.
        await TemplateCache.CopyTreeAsync(template, partial, logPath, cancellationToken);
        File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ServerAccount.OwnRecursively(account, partial);
        if (finishAsync is not null) await finishAsync(partial, cancellationToken);
        Directory.Move(partial, target);
    }

    private static Task LogAsync(string logPath, string line, CancellationToken cancellationToken) =>
        File.AppendAllTextAsync(logPath, $"--- {DateTime.UtcNow:O} {line}{Environment.NewLine}", cancellationToken);
}
