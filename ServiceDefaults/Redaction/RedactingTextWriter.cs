using System.Text;

namespace Rollout.ServiceDefaults.Redaction;

/// <summary>
/// A console writer that redacts registered secrets. It buffers up to each newline so that a
/// secret written in pieces (Write("pa"); Write("ss")) is still recognised.
/// </summary>
public sealed class RedactingTextWriter(TextWriter inner, SecretRedactor redactor) : TextWriter
{
    private static int _installed;
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => inner.Encoding;

    /// <summary>
    /// Replaces Console.Out and Console.Error with redacting writers, once per process: an AppHost run again inside one
    /// process (every Aspire.Hosting.Testing app of a test run) must not wrap the console again and again (Console.Out is
    /// a synchronised wrapper, never our type, so a type check cannot tell).
    /// </summary>
    public static void InstallOnConsole(SecretRedactor redactor)
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        Console.SetOut(new RedactingTextWriter(Console.Out, redactor));
        Console.SetError(new RedactingTextWriter(Console.Error, redactor));
    }

    public override void Write(char value)
    {
        string? line;
        lock (_line)
        {
            _line.Append(value);
            line = value == '\n' ? TakeLine() : null;
        }
        WriteInner(line);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        string? line;
        lock (_line)
        {
            _line.Append(value);
            line = value.Contains('\n') ? TakeLine() : null;
        }
        WriteInner(line);
    }

    public override void Flush()
    {
        string? line;
        lock (_line) line = TakeLine();
        WriteInner(line);
        inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }

    /// <summary>The buffered text, taken under the lock; written outside it, so no lock of ours is held while the inner writer takes its own.</summary>
    private string? TakeLine()
    {
        if (_line.Length == 0) return null;
        var text = _line.ToString();
        _line.Clear();
        return text;
    }

    private void WriteInner(string? text)
    {
        if (text is null) return;
        inner.Write(redactor.Redact(text));
        inner.Flush();
    }
}
