using System.Text;

namespace Rollout.AppHost.Local.Processes;

/// <summary>The last lines of a log file, for error messages.</summary>
public static class LogTail
{
    public static string Read(string path, int lines = 20)
    {
        if (!File.Exists(path)) return $"(no log at {path})";
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            const int MaxBytes = 16 * 1024;
            if (stream.Length > MaxBytes) stream.Seek(-MaxBytes, SeekOrigin.End);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var tail = all.TakeLast(lines).Select(l => "  | " + l.TrimEnd('\r'));
            return $"Last lines of {path}:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
        }
        catch (IOException e)
        {
            return $"(cannot read {path}: {e.Message})";
        }
    }
}
