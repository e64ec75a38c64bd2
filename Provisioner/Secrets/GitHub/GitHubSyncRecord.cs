using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Secrets.GitHub;

/// <summary>
/// How sync knows a GitHub secret is unchanged although GitHub never returns values: for each secret it
/// wrote, a keyed hash (HMAC-SHA256 with a random local key) of the value and the secret's updated_at
/// as GitHub reported it right after the write. A secret is unchanged when both still match; a change
/// made elsewhere moves updated_at, a new value moves the hash. Kept in the git-ignored state directory,
/// mode 0600: &lt;state&gt;/github-sync.json and the key &lt;state&gt;/github-sync.key. Losing them costs one full re-write.
/// </summary>
public sealed class GitHubSyncRecord
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
    private static readonly SemaphoreSlim Lock = new(1, 1);
    private readonly string _recordPath;
    private readonly byte[] _key;
    private readonly string _scope;
    private readonly Dictionary<string, Dictionary<string, Entry>> _all;

    private GitHubSyncRecord(string recordPath, byte[] key, string scope, Dictionary<string, Dictionary<string, Entry>> all)
    {
        _recordPath = recordPath;
        _key = key;
        _scope = scope;
        _all = all;
    }

    public sealed record Entry(string Hmac, DateTimeOffset? UpdatedAt);

    /// <summary>Scope = API host + repository + GitHub environment, so two repositories never share records.</summary>
    public static async Task<GitHubSyncRecord> LoadAsync(string stateDirectory, Uri apiBase, string repository, string environment, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(stateDirectory);
        var keyPath = Path.Combine(stateDirectory, "github-sync.key");
        if (!File.Exists(keyPath))
            await WritePrivateAsync(keyPath, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), cancellationToken);
        var key = Convert.FromBase64String((await File.ReadAllTextAsync(keyPath, cancellationToken)).Trim());
        var recordPath = Path.Combine(stateDirectory, "github-sync.json");
        var all = File.Exists(recordPath)
            ? JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, Entry>>>(await File.ReadAllTextAsync(recordPath, cancellationToken)) ?? []
            : [];
        return new GitHubSyncRecord(recordPath, key, $"{apiBase.Authority}{apiBase.AbsolutePath.TrimEnd('/')}/{repository}/{environment}", all);
    }

    public Entry? Find(string name) => _all.GetValueOrDefault(_scope)?.GetValueOrDefault(name);

    public bool Matches(Entry entry, Secret value) =>
        CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(entry.Hmac), Hash(value));

    public async Task RecordAsync(string name, Secret value, DateTimeOffset? updatedAt, CancellationToken cancellationToken)
    {
        await Lock.WaitAsync(cancellationToken);
        try
        {
            if (!_all.TryGetValue(_scope, out var entries)) _all[_scope] = entries = [];
            entries[name] = new Entry(Convert.ToBase64String(Hash(value)), updatedAt);
            await WritePrivateAsync(_recordPath, JsonSerializer.Serialize(_all, JsonOptions), cancellationToken);
        }
        finally
        {
            Lock.Release();
        }
    }

    private byte[] Hash(Secret value) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value.Reveal()));

    private static async Task WritePrivateAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        await using (var stream = new FileStream(temporary, options))
        await using (var writer = new StreamWriter(stream))
            await writer.WriteAsync(content.AsMemory(), cancellationToken);
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }
}
