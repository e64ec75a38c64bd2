using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Compose;

/// <summary>One variable the compose file interpolates, as it is documented in the .env template.</summary>
public sealed record ComposeVariable(string Name, string Description, string? DefaultValue, bool Required, bool Sensitive);

/// <summary>
/// The variables docker-compose.yaml reads from .env, collected in the order of first use so the
/// .env template lists exactly what the compose file needs.
/// </summary>
public sealed class ComposeVariables
{
    private readonly List<ComposeVariable> _variables = [];

    public IReadOnlyList<ComposeVariable> All => _variables;

    /// <summary>The interpolation of a setting: <c>${NAME:-default}</c>, <c>${NAME:?…}</c> when required, or the literal.</summary>
    public string Of(Setting setting, string description, bool sensitive = false) =>
        setting.VariableName is { } name
            ? Use(name, $"{description} ({setting.Path})", setting.DefaultValue, sensitive)
            : Escape(setting.Raw);

    public string Use(string name, string description, string? defaultValue, bool sensitive)
    {
        if (_variables.All(v => v.Name != name))
            _variables.Add(new ComposeVariable(name, description, defaultValue, defaultValue is null, sensitive));
        return defaultValue is null
            ? $"${{{name}:?{name} is not set: fill it in .env}}"
            : $"${{{name}:-{Escape(defaultValue)}}}";
    }

    /// <summary>A literal for compose: <c>$</c> doubled so it is not interpolated.</summary>
    public static string Escape(string literal) => literal.Replace("$", "$$", StringComparison.Ordinal);
}
