using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Redaction;

/// <summary>
/// The last line of defence against a leaked secret: every value a process loads is registered
/// here, and everything it prints passes through <see cref="Redact"/>. Code must still never print
/// a secret; this catches the mistake (a driver error quoting a connection string, say).
/// </summary>
public sealed class SecretRedactor
{
    /// <summary>Values shorter than this are not redacted: masking "1" or "ab" would garble output, and such values are no secrets.</summary>
    public const int MinimumLength = 6;

    public static SecretRedactor Shared { get; } = new();

    private readonly Lock _lock = new();
    private string[] _values = [];

    public void Register(Secret secret) => Register(secret.Reveal());

    public void Register(string value)
    {
        if (value.Length < MinimumLength) return;
        lock (_lock)
        {
            if (_values.Contains(value, StringComparer.Ordinal)) return;
            // Longest first, so a secret that contains another is masked whole.
            _values = [.. _values.Append(value).OrderByDescending(v => v.Length)];
        }
    }

    public string Redact(string text)
    {
        var values = _values;
        foreach (var value in values)
            if (text.Contains(value, StringComparison.Ordinal))
                text = text.Replace(value, Secret.Mask, StringComparison.Ordinal);
        return text;
    }
}
