using System.Globalization;
using System.Text.Json;
using Rollout.AppHost.Local.Processes;

namespace Rollout.AppHost.Local.Templates;

/// <summary>
/// The per-user cache of pristine data directories (<see cref="DataDirectoryTemplate"/>), so that a
/// cold start copies the output of mariadb-install-db/initdb instead of running them. An entry is
/// &lt;root&gt;/&lt;name&gt;-&lt;key hash&gt;/ holding data/ and template.json (the full key and every file's
/// size). It becomes visible only complete: built elsewhere, copied into a .tmp-&lt;pid&gt;-… directory,
/// marker written, then renamed in one step; a start that loses that race to another uses the
/// winner's entry. An entry whose marker is missing, unreadable, for another key, or whose files
/// differ from it is discarded and rebuilt, never used. Entries hold no secret: admin passwords are
/// set after the copy, TLS material lives in the state directory.
/// </summary>
public sealed class TemplateCache(string root)
{
    /// <summary>Location override, or "off" to disable the cache.</summary>
    public const string EnvironmentVariable = "ROLLOUT_TEMPLATE_CACHE";
    public const string MarkerFileName = "template.json";
    public const string DataDirectoryName = "data";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>
    /// The cache to use: none when disabled (option or ROLLOUT_TEMPLATE_CACHE=off), else
    /// <paramref name="directory"/>, ROLLOUT_TEMPLATE_CACHE, $XDG_CACHE_HOME/rollout/templates or
    /// ~/.cache/rollout/templates, first one set.
    /// </summary>
    public static TemplateCache? Resolve(string? directory, bool disabled)
    {
        var variable = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (disabled || variable is "off" or "0" or "false") return null;
        if (!string.IsNullOrEmpty(directory)) return new TemplateCache(directory);
        if (!string.IsNullOrEmpty(variable)) return new TemplateCache(variable);
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return new TemplateCache(Path.Combine(xdg, "rollout", "templates"));
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : new TemplateCache(Path.Combine(home, ".cache", "rollout", "templates"));
    }

    public string EntryPath(DataDirectoryTemplate template) => Path.Combine(Root, template.EntryName);

    /// <summary>The entry's data directory when the entry is complete and for this key; a bad entry is discarded.</summary>
    public string? TryGet(DataDirectoryTemplate template)
    {
        var entry = EntryPath(template);
        if (!Directory.Exists(entry)) return null;
        if (IsValid(entry, template.Key)) return Path.Combine(entry, DataDirectoryName);
        Discard(entry);
        return null;
    }

    /// <summary>
    /// Stores <paramref name="built"/> (moved when on the same file system, else copied) as the entry
    /// of <paramref name="template"/> and returns the entry's data directory; the entry of a
    /// concurrent start that got there first is used instead.
    /// </summary>
    public async Task<string> PublishAsync(DataDirectoryTemplate template, string built, string logPath, CancellationToken cancellationToken)
    {
        CreateRoot();
        RemoveLeftovers();
        var staging = Path.Combine(Root, $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var data = Path.Combine(staging, DataDirectoryName);
            try
            {
                Directory.Move(built, data);
            }
            catch (IOException)
            {
                // Another file system (the state directory on /tmp, the cache in ~): copy.
                await CopyTreeAsync(built, data, logPath, cancellationToken);
            }
            // On disk before the marker says complete: a crash must not leave a marked entry with empty files.
            await ChildProcessLauncher.RunToCompletionAsync(new LaunchSpec("/bin/sync", ["-f", data], logPath, null, Signal.Kill),
                "sync of the template cache", cancellationToken);
            var marker = new Marker(template.Key, DateTime.UtcNow, Inventory(data));
            await File.WriteAllTextAsync(Path.Combine(staging, MarkerFileName), JsonSerializer.Serialize(marker), cancellationToken);
            var entry = EntryPath(template);
            try
            {
                Directory.Move(staging, entry);
            }
            catch (IOException) when (Directory.Exists(entry))
            {
                // Lost the race to a concurrent start: its entry is as good as ours (same key).
                return TryGet(template) ?? throw new LocalServerException($"Template cache entry {entry} appeared incomplete while being stored; retry, or delete it.");
            }
            return Path.Combine(entry, DataDirectoryName);
        }
        finally
        {
            if (Directory.Exists(staging)) DeleteQuietly(staging);
        }
    }

    /// <summary>When the entry was built (its marker's time), for the log line that says a cached template was used.</summary>
    public static DateTime? BuiltAt(string entryData)
    {
        var marker = ReadMarker(Path.Combine(Path.GetDirectoryName(entryData)!, MarkerFileName));
        return marker?.Created;
    }

    /// <summary>Copies a directory tree with modes, owners and times (reflinks where the file system has them).</summary>
    public static async Task CopyTreeAsync(string source, string target, string logPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(target);
        await ChildProcessLauncher.RunToCompletionAsync(
            new LaunchSpec("/bin/cp", ["-a", "--reflink=auto", source + "/.", target], logPath, null, Signal.Kill),
            $"Copying {source}", cancellationToken);
    }

    private static bool IsValid(string entry, string key)
    {
        var marker = ReadMarker(Path.Combine(entry, MarkerFileName));
        var data = Path.Combine(entry, DataDirectoryName);
        if (marker?.Files is null || marker.Key != key || !Directory.Exists(data)) return false;
        var actual = Inventory(data);
        return actual.Count == marker.Files.Count && actual.All(f => marker.Files.TryGetValue(f.Key, out var size) && size == f.Value);
    }

    private static Marker? ReadMarker(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Marker>(File.ReadAllText(path)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Every file under the directory with its size (relative paths).</summary>
    private static Dictionary<string, long> Inventory(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToDictionary(f => Path.GetRelativePath(directory, f.FullName), f => f.Length, StringComparer.Ordinal);

    private void CreateRoot()
    {
        Directory.CreateDirectory(Root);
        // Per user: nobody else reads (or plants) templates.
        File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Staging directories of starts that died (their pid is gone) and discarded entries.</summary>
    private void RemoveLeftovers()
    {
        foreach (var directory in Directory.EnumerateDirectories(Root, ".*"))
        {
            var name = Path.GetFileName(directory);
            var parts = name.Split('-');
            var dead = name.StartsWith(".trash-", StringComparison.Ordinal)
                || (name.StartsWith(".tmp-", StringComparison.Ordinal) && parts.Length == 3
                    && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"));
            if (dead) DeleteQuietly(directory);
        }
    }

    /// <summary>Renames a bad entry out of the way first (atomic: no start can pick it up half-deleted), then deletes it.</summary>
    private void Discard(string entry)
    {
        var trash = Path.Combine(Root, $".trash-{Guid.NewGuid():N}");
        try
        {
            Directory.Move(entry, trash);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // another start discarded it already
        }
        DeleteQuietly(trash);
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for RemoveLeftovers of a later start.
        }
    }

    private sealed record Marker(string Key, DateTime Created, Dictionary<string, long> Files);
}
