using System.Text.RegularExpressions;

namespace Rollout.Topology.Model;

/// <summary>
/// A configuration value: a literal, or <c>${NAME}</c> / <c>${NAME:-default}</c> read from the
/// environment when an environment is bound. <see cref="Path"/> is the YAML path, for messages.
/// </summary>
public sealed partial record Setting(string Raw, string Path)
{
    [GeneratedRegex(@"^\$\{(?<name>[A-Z][A-Z0-9_]*)(?<hasDefault>:-(?<default>[^}]*))?\}$")]
    private static partial Regex ReferencePattern();

    public bool IsReference => ReferencePattern().IsMatch(Raw);

    /// <summary>The environment variable this setting reads, or null for a literal.</summary>
    public string? VariableName => ReferencePattern().Match(Raw) is { Success: true } m ? m.Groups["name"].Value : null;

    public string? DefaultValue => ReferencePattern().Match(Raw) is { Success: true } m && m.Groups["hasDefault"].Success
        ? m.Groups["default"].Value : null;

    /// <summary>Resolves against the given variables; null when a reference is unset and has no default.</summary>
    public string? Resolve(Func<string, string?> variables)
    {
        var match = ReferencePattern().Match(Raw);
        if (!match.Success) return Raw;
        var value = variables(match.Groups["name"].Value);
        if (!string.IsNullOrEmpty(value)) return value;
        return match.Groups["hasDefault"].Success ? match.Groups["default"].Value : null;
    }

    public override string ToString() => Raw;
}
