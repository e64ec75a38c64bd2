using System.Text;

namespace Rollout.ServiceDefaults.Redaction;

/// <summary>
/// A console writer that redacts registered secrets. It buffers up to each newline so that a
/// secret written in pieces (Write("pa"); Write("ss")) is still recognised.
/// </summary>
public sealed class RedactingTextWriter(TextWriter inner, SecretRedactor redactor) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => inner.Encoding;

    /// <summary>Replaces Console.Out and Console.Error with redacting writers.</summary>
    public static void InstallOnConsole(SecretRedactor redactor)
    {
        if (Console.Out is not RedactingTextWriter) Console.SetOut(new RedactingTextWriter(Console.Out, redactor));
        if (Console.Error is not RedactingTextWriter) Console.SetError(new RedactingTextWriter(Console.Error, redactor));
    }

    public override void Write(char value)
    {
        lock (_line)
        {
            _line.Append(value);
            if (value == '\n') FlushLine();
        }
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        lock (_line)
        {
            _line.Append(value);
            if (value.Contains('\n')) FlushLine();
        }
    }

    public override void Flush()
    {
        lock (_line) FlushLine();
        inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }

    private void FlushLine()
    {
        if (_line.Length == 0) return;
        inner.Write(redactor.Redact(_line.ToString()));
        _line.Clear();
        inner.Flush();
    }
}
