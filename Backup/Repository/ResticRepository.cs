using System.Text.Json;
using Rollout.Topology.Model;

namespace Rollout.Backup.Repository;

/// <summary>
/// A restic repository (Debian's restic 0.14): its location, its password (only ever in RESTIC_PASSWORD of the
/// child's environment) and the extended options for its backend (sftp.command for an sftp: offsite).
/// </summary>
public sealed class ResticRepository(string location, Secret password, string cacheDirectory, IReadOnlyList<string>? extendedOptions = null)
{
    public string Location { get; } = location;
    public Secret Password { get; } = password;
    private readonly IReadOnlyList<string> _options = extendedOptions ?? [];

    public override string ToString() => Location;

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["RESTIC_REPOSITORY"] = Location,
        ["RESTIC_PASSWORD"] = Password.Reveal(),
        ["RESTIC_CACHE_DIR"] = cacheDirectory,
        // Snapshot times and GFS buckets are read in UTC, as the schedules are.
        ["TZ"] = "UTC",
    };

    public IEnumerable<string> Arguments(params string[] command) => [.. _options.SelectMany(o => new[] { "-o", o }), .. command];

    public Task<ToolResult> RunAsync(CancellationToken cancellationToken, params string[] command) =>
        ToolProcess.RunAsync("restic", Arguments(command), Environment, cancellationToken);

    /// <summary>Runs a command that must succeed; a failure names the repository and restic's reason.</summary>
    public async Task<string> RequireAsync(string what, CancellationToken cancellationToken, params string[] command)
    {
        var result = await RunAsync(cancellationToken, command);
        if (!result.Succeeded) throw new BackupException($"repository {Location}: {what} failed: {result.Reason}");
        return result.Output;
    }

    /// <summary>Creates the repository unless it exists (restic 0.14 has no exit code for "missing": cat config tells).</summary>
    public async Task EnsureInitialisedAsync(CancellationToken cancellationToken, ResticRepository? chunkerFrom = null)
    {
        var config = await RunAsync(cancellationToken, "cat", "config");
        if (config.Succeeded) return;
        // An existing repository that this key does not open must not be "created" again: that hides the real cause.
        if (config.Error.Contains("wrong password", StringComparison.Ordinal))
            throw new BackupException($"repository {Location}: {config.Reason}: it exists, but the password given does not open it. Put its key back (the second copy, README \"Backups\"); a new password cannot open old backups.");
        if (chunkerFrom is null)
        {
            await RequireAsync("init", cancellationToken, "init");
            return;
        }
        // Same chunker parameters as the primary: copied snapshots then deduplicate against each other.
        using var passwordFile = PasswordFile.Write(chunkerFrom.Password);
        await RequireAsync("init", cancellationToken, "init", "--copy-chunker-params", "--from-repo", chunkerFrom.Location, "--from-password-file", passwordFile.Path);
    }

    public async Task<IReadOnlyList<Snapshot>> SnapshotsAsync(CancellationToken cancellationToken)
    {
        var json = await RequireAsync("listing snapshots", cancellationToken, "snapshots", "--json");
        return JsonSerializer.Deserialize<List<Snapshot>>(json.Length == 0 ? "[]" : json, Snapshot.JsonOptions) ?? [];
    }

    public async Task ForgetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return;
        await RequireAsync("forget", cancellationToken, ["forget", .. ids]);
    }

    public Task<ToolResult> CheckAsync(bool readData, CancellationToken cancellationToken) =>
        readData ? RunAsync(cancellationToken, "check", "--read-data") : RunAsync(cancellationToken, "check");
}

/// <summary>A password in a 0600 file in a private temporary directory, for options restic 0.14 only takes as a file; deleted on dispose.</summary>
public sealed class PasswordFile : IDisposable
{
    private readonly string _directory;

    private PasswordFile(string directory, string path)
    {
        _directory = directory;
        Path = path;
    }

    public string Path { get; }

    public static PasswordFile Write(Secret secret, string name = "password", string? content = null)
    {
        var directory = Directory.CreateTempSubdirectory("rollout-backup-").FullName;
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = System.IO.Path.Combine(directory, name);
        using (var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        using (var writer = new StreamWriter(stream))
            writer.Write(content ?? secret.Reveal());
        return new PasswordFile(directory, path);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A private temporary directory; the OS's tmp cleaning removes a leftover.
        }
    }
}
