using System.Text;

namespace Rollout.AppHost.Local.Processes;

/// <summary>The end of a log file: for error messages (<see cref="Read"/>) and the dashboard (<see cref="ReadText"/>).</summary>
public static class LogTail
{
    public static string Read(string path, int lines = 20)
    {
        if (!File.Exists(path)) return $"(no log at {path})";
        try
        {
            var all = ReadText(path, maxBytes: 16 * 1024).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var tail = all.TakeLast(lines).Select(l => "  | " + l.TrimEnd('\r'));
            return $"Last lines of {path}:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
        }
        catch (IOException e)
        {
            return $"(cannot read {path}: {e.Message})";
        }
    }

    /// <summary>
    /// At most the last <paramref name="maxBytes"/> of the file, starting at a line. Synchronous: the error
    /// paths that call it are. The file is shared with the process still writing it.
    /// </summary>
    public static string ReadText(string path, int maxBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var start = Math.Max(0, stream.Length - maxBytes);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        return start > 0 && text.IndexOf('\n', StringComparison.Ordinal) is var newline and >= 0 ? text[(newline + 1)..] : text;
    }
}
