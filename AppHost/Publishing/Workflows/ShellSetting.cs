using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Workflows;

/// <summary>Renders a <see cref="Setting"/> as a POSIX shell word: <c>"${NAME:-default}"</c> or a quoted literal.</summary>
public static class ShellSetting
{
    public static string Word(Setting setting)
    {
        if (setting.VariableName is not { } name) return Quote(setting.Raw);
        return setting.DefaultValue is { } fallback
            ? $"\"${{{name}:-{EscapeInDoubleQuotes(fallback)}}}\""
            : $"\"${{{name}}}\"";
    }

    public static string Quote(string literal) => "'" + literal.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string EscapeInDoubleQuotes(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("$", "\\$", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal)
            .Replace("}", "\\}", StringComparison.Ordinal);
}
