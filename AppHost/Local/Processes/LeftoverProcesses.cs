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

    /// <summary>
    /// Stops what a previous AppHost recorded and is still alive (its orchestrator may still be stopping it, or it was
    /// orphaned by a SIGKILL): SIGTERM first, SIGKILL what is left after <paramref name="grace"/>. Returns what it found.
    /// </summary>
    public async Task<IReadOnlyList<Entry>> ReapAsync(TimeSpan grace, CancellationToken cancellationToken)
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
        var stopped = await StopAsync(previous, grace, cancellationToken);
        File.Delete(path);
        return stopped;
    }

    /// <summary>
    /// At the AppHost's exit: Aspire's orchestrator stops the servers only after the AppHost has gone, so a script's
    /// next step (another start, deleting the state directory) would race them. This waits for each server's own
    /// graceful shutdown instead, then SIGKILLs what is left after <paramref name="grace"/>.
    /// </summary>
    public async Task StopRecordedAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        List<Entry> recorded;
        lock (_gate) recorded = [.. _entries];
        await StopAsync(recorded, grace, cancellationToken);
        lock (_gate)
        {
            _entries.RemoveAll(e => !IsSame(e));
            Save();
        }
    }

    private static async Task<IReadOnlyList<Entry>> StopAsync(IEnumerable<Entry> entries, TimeSpan grace, CancellationToken cancellationToken)
    {
        var alive = entries.Where(IsSame).ToList();
        foreach (var entry in alive) ChildProcessLauncher.SendSignal(entry.Pid, Signal.Terminate);
        var deadline = DateTime.UtcNow + grace;
        while (alive.Any(IsSame) && DateTime.UtcNow < deadline) await Task.Delay(50, cancellationToken);
        foreach (var entry in alive.Where(IsSame)) ChildProcessLauncher.SendSignal(entry.Pid, Signal.Kill);
        deadline = DateTime.UtcNow.AddSeconds(10);
        while (alive.Any(IsSame) && DateTime.UtcNow < deadline) await Task.Delay(50, cancellationToken);
        return alive;
    }

    /// <summary>Still the process that was recorded (a reused pid has another start time).</summary>
    private static bool IsSame(Entry entry) => ProcessState.StartTime(entry.Pid) == entry.StartTime && ProcessState.IsAlive(entry.Pid);

    private void Save()
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(_entries));
        File.Move(temporary, path, overwrite: true);
    }
}
