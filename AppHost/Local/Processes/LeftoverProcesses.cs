using System.Text.Json;

namespace Rollout.AppHost.Local.Processes;

/// <summary>
/// The last line of defence behind PR_SET_PDEATHSIG: every started server is recorded in
/// &lt;state&gt;/processes.json (pid + kernel start time, so a reused pid is never hit) and the next
/// AppHost start on the same state directory kills whatever is still alive from that list.
/// </summary>
public sealed class LeftoverProcesses(string path)
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];

    public sealed record Entry(int Pid, long StartTime, string Resource);

    public void Record(int pid, string resource)
    {
        lock (_gate)
        {
            if (ProcessState.StartTime(pid) is not { } start) return;
            _entries.Add(new Entry(pid, start, resource));
            Save();
        }
    }

    public void Forget(int pid)
    {
        lock (_gate)
        {
            _entries.RemoveAll(e => e.Pid == pid);
            Save();
        }
    }

    /// <summary>Kills processes a previous AppHost recorded and that are still alive; returns what it killed.</summary>
    public async Task<IReadOnlyList<Entry>> ReapAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return [];
        List<Entry> previous;
        try
        {
            previous = JsonSerializer.Deserialize<List<Entry>>(await File.ReadAllTextAsync(path, cancellationToken)) ?? [];
        }
        catch (JsonException)
        {
            previous = [];
        }
        var killed = previous.Where(e => ProcessState.StartTime(e.Pid) == e.StartTime && ProcessState.IsAlive(e.Pid)).ToList();
        foreach (var entry in killed) ChildProcessLauncher.SendSignal(entry.Pid, Signal.Kill);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (killed.Any(e => ProcessState.IsAlive(e.Pid)) && DateTime.UtcNow < deadline)
            await Task.Delay(50, cancellationToken);
        File.Delete(path);
        return killed;
    }

    private void Save()
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(_entries));
        File.Move(temporary, path, overwrite: true);
    }
}
