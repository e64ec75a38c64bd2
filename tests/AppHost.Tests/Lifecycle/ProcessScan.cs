using Rollout.AppHost.Local.Processes;

namespace Rollout.AppHost.Tests.Lifecycle;

/// <summary>Reads /proc to find the processes a server started (PostgreSQL backends) and to check they are gone.</summary>
internal static class ProcessScan
{
    /// <summary>The given pids and every live descendant of them.</summary>
    public static IReadOnlyList<int> WithDescendants(IEnumerable<int> roots)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1]);
            }
            catch (IOException)
            {
            }
        }
        // A pid of 0 (a resource not started yet) would make every process a "descendant" (pid 1's parent is 0).
        var result = roots.Where(pid => pid > 0).Distinct().ToList();
        for (var i = 0; i < result.Count; i++)
            result.AddRange(parents.Where(p => p.Value == result[i] && !result.Contains(p.Key)).Select(p => p.Key));
        return result;
    }

    public static async Task<IReadOnlyList<int>> StillAliveAfterAsync(IEnumerable<int> pids, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        List<int> alive;
        do
        {
            alive = pids.Where(ProcessState.IsAlive).ToList();
            if (alive.Count == 0) return alive;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        return alive;
    }

    public static string Describe(IEnumerable<int> pids) =>
        string.Join(", ", pids.Select(p => $"{p} ({(File.Exists($"/proc/{p}/cmdline") ? File.ReadAllText($"/proc/{p}/cmdline").Replace('\0', ' ').Trim() : "?")})"));
}
