using System.Globalization;

namespace Rollout.AppHost.Local.Processes;

/// <summary>What /proc says about a pid: alive (and not a zombie), with its start time to tell reused pids apart.</summary>
public static class ProcessState
{
    /// <summary>True when the process exists and is not a zombie (a zombie has exited; only its parent's bookkeeping remains).</summary>
    public static bool IsAlive(int pid)
    {
        var stat = ReadStat(pid);
        return stat is not null && stat.Value.State != 'Z' && stat.Value.State != 'X';
    }

    /// <summary>Clock ticks since boot at which the process started (field 22 of /proc/pid/stat), or null.</summary>
    public static long? StartTime(int pid) => ReadStat(pid)?.StartTime;

    private static (char State, long StartTime)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may contain spaces: parse after the last ')'.
            var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (rest[0][0], long.Parse(rest[19], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
