namespace Rollout.AppHost.Local;

/// <summary>
/// The state directory's layout: data/&lt;server&gt;, config/&lt;server&gt;, run/&lt;server&gt;, tls/, logs/,
/// secrets.json, resources.json. `--fresh` deletes exactly these entries and nothing else.
/// </summary>
public sealed class StateLayout(string root)
{
    private static readonly string[] OwnedEntries = ["data", "config", "run", "tls", "logs", "secrets.json", "resources.json", "processes.json"];

    public string Root { get; } = Path.GetFullPath(root);

    public string DataRoot => Path.Combine(Root, "data");

    public string Data(string server) => Path.Combine(DataRoot, server);

    public string Config(string server) => Path.Combine(Root, "config", server);

    public string Run(string server) => Path.Combine(Root, "run", server);

    public string Tls => Path.Combine(Root, "tls");

    public string Logs => Path.Combine(Root, "logs");

    public string Log(string resource) => Path.Combine(Logs, resource + ".log");

    /// <summary>The processes this state directory's AppHost started: reaped on the next start if still alive.</summary>
    public string ProcessesFile => Path.Combine(Root, "processes.json");

    public string LockFile => Path.Combine(Root, "apphost.lock");

    /// <summary>Creates the directories; server users (mysql, postgres, redis) must be able to traverse the root.</summary>
    public void Create()
    {
        Directory.CreateDirectory(Root);
        // Temp directories are created 0700; the servers run as other users and need to pass through.
        var mode = File.GetUnixFileMode(Root);
        File.SetUnixFileMode(Root, mode | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        foreach (var directory in new[] { DataRoot, Path.Combine(Root, "config"), Path.Combine(Root, "run"), Tls, Logs })
        {
            Directory.CreateDirectory(directory);
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }
    }

    /// <summary>Deletes everything the AppHost keeps in the state directory (not the lock, not foreign files).</summary>
    public void DeleteState()
    {
        foreach (var entry in OwnedEntries.Select(e => Path.Combine(Root, e)))
        {
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else if (File.Exists(entry)) File.Delete(entry);
        }
    }
}
