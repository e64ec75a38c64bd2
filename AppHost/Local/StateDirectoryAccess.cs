namespace Rollout.AppHost.Local;

/// <summary>
/// As root the servers run as mysql, postgres and redis, which must pass through every directory above the state
/// directory. A checkout in /root (mode 700) blocks them: then the default state directory moves to
/// <see cref="SharedRoot"/> (said once at start), and a chosen one gets one clear error before any server starts.
/// </summary>
public static class StateDirectoryAccess
{
    public const string SharedRoot = "/var/lib/rollout";

    /// <summary>The nearest existing directory at or above <paramref name="path"/> that others cannot pass through, or null (always null when not root).</summary>
    public static string? Blocker(string path)
    {
        if (!Environment.IsPrivilegedProcess) return null;
        for (var directory = new DirectoryInfo(Path.GetFullPath(path)).Parent; directory is not null; directory = directory.Parent)
        {
            if (!directory.Exists) continue;
            if (!File.GetUnixFileMode(directory.FullName).HasFlag(UnixFileMode.OtherExecute)) return directory.FullName;
        }
        return null;
    }

    /// <summary>A reachable state directory for an estate file whose default one is blocked: /var/lib/rollout/&lt;name&gt;-&lt;hash of the path&gt;.</summary>
    public static string SharedFor(string estatePath)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(estatePath))))[..12];
        var folder = new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(estatePath))!).Name;
        return Path.Combine(SharedRoot, $"{folder}-{hash}");
    }

    /// <summary>Throws when the server accounts cannot reach <paramref name="stateDirectory"/>: names the directory, the accounts and the fixes.</summary>
    public static void Require(string stateDirectory)
    {
        if (Blocker(stateDirectory) is not { } blocker) return;
        var mode = Convert.ToString((int)File.GetUnixFileMode(blocker), 8);
        throw new LocalServerException(
            $"State directory {stateDirectory} is unreachable for the server accounts mysql, postgres and redis: {blocker} is mode {mode} " +
            $"(no search permission for others), and as root the servers run as those accounts. Fix: `chmod o+x {blocker}`, " +
            $"or pass a state directory they can reach, e.g. --state-dir {SharedRoot}/<name> (or ROLLOUT_STATE_DIR).");
    }
}
