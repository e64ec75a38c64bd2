namespace Rollout.Monitor.Probing;

/// <summary>
/// PostgreSQL 15 keeps no failed-login counter; its log has each one. Counts the lines of a server's log that report a
/// refused login — a wrong password (<c>password authentication failed for user</c>), no admitting pg_hba line
/// (<c>no pg_hba.conf entry for</c>) or a reject line (<c>pg_hba.conf rejects connection for</c>) — reading only what was appended since the last round. A log that shrank (rotated,
/// truncated) is read again from its start, the count going on; a missing or unreadable log gives null (not exported).
/// </summary>
public sealed class ServerLogFailedLogins(string path)
{
    private static readonly string[] Markers = ["password authentication failed for user", "no pg_hba.conf entry for", "pg_hba.conf rejects connection for"];

    private long _offset;
    private string _partialLine = "";

    public string Path { get; } = path;

    /// <summary>Failed logins seen in the log since this counter started.</summary>
    public double Count { get; private set; }

    public async Task<double?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < _offset)
            {
                _offset = 0;
                _partialLine = "";
            }
            stream.Seek(_offset, SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var text = _partialLine + await reader.ReadToEndAsync(cancellationToken);
            _offset = stream.Length;
            // A line still being written is counted once it is complete.
            var lastBreak = text.LastIndexOf('\n');
            _partialLine = lastBreak < 0 ? text : text[(lastBreak + 1)..];
            foreach (var line in (lastBreak < 0 ? "" : text[..lastBreak]).Split('\n'))
                if (Markers.Any(m => line.Contains(m, StringComparison.Ordinal))) Count++;
            return Count;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
