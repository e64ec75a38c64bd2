using System.Text.Json;
using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Secrets;

/// <summary>
/// The `local` environment's secrets: one JSON file (name → value) in the git-ignored state
/// directory, mode 0600, replaced atomically so a crash never leaves half a file.
/// </summary>
public sealed class LocalSecretStore(string path) : ISecretStore
{
    private static readonly SemaphoreSlim WriteLock = new(1, 1);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string Description => $"local store {Path}";

    public static LocalSecretStore InStateDirectory(string stateDirectory) =>
        new(System.IO.Path.Combine(stateDirectory, "secrets.json"));

    public async Task<Secret?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var all = await ReadAllAsync(cancellationToken);
        return all.TryGetValue(name, out var value) ? new Secret(value) : null;
    }

    /// <summary>One read of the file for all names: a 1,000-database estate looked them up one file read each.</summary>
    public async Task<IReadOnlyDictionary<string, Secret>> GetManyAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var all = await ReadAllAsync(cancellationToken);
        return names.Where(all.ContainsKey).Distinct().ToDictionary(n => n, n => new Secret(all[n]), StringComparer.Ordinal);
    }

    public async Task<IReadOnlyCollection<string>> NamesAsync(CancellationToken cancellationToken) =>
        (await ReadAllAsync(cancellationToken)).Keys;

    public async Task SetAsync(string name, Secret value, CancellationToken cancellationToken) =>
        await UpdateAsync(all => all[name] = value.Reveal(), cancellationToken);

    /// <summary>All values in one atomic rewrite of the file.</summary>
    public async Task SetManyAsync(IReadOnlyDictionary<string, Secret> values, CancellationToken cancellationToken) =>
        await UpdateAsync(all =>
        {
            foreach (var (name, value) in values) all[name] = value.Reveal();
        }, cancellationToken);

    public async Task RemoveAsync(string name, CancellationToken cancellationToken) =>
        await UpdateAsync(all => all.Remove(name), cancellationToken);

    private async Task UpdateAsync(Action<Dictionary<string, string>> change, CancellationToken cancellationToken)
    {
        await WriteLock.WaitAsync(cancellationToken);
        try
        {
            var all = await ReadAllAsync(cancellationToken);
            change(all);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var temporary = Path + ".tmp";
            var options = new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            };
            await using (var stream = new FileStream(temporary, options))
            {
                await JsonSerializer.SerializeAsync(stream, new SortedDictionary<string, string>(all),
                    new JsonSerializerOptions { WriteIndented = true }, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            WriteLock.Release();
        }
    }

    private async Task<Dictionary<string, string>> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path)) return new Dictionary<string, string>();
        await using var stream = File.OpenRead(Path);
        try
        {
            return await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(stream, cancellationToken: cancellationToken)
                ?? new Dictionary<string, string>();
        }
        catch (JsonException e)
        {
            // The message names the file and position only: the content is secret.
            throw new InvalidDataException($"{Path}: not a valid secret store (line {e.LineNumber + 1}). Fix or delete the file; `dotnet run --project AppHost -- --fresh` recreates it.", e);
        }
    }
}
