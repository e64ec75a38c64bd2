using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Topology.Tests;

/// <summary>The real rollout.yaml, and variants of it with one deliberate mistake.</summary>
internal static class EstateFile
{
    public static string Path { get; } = EstateLoader.Locate(AppContext.BaseDirectory);

    public static string Text { get; } = File.ReadAllText(Path);

    public static Estate Load() => EstateLoader.LoadFile(Path);

    /// <summary>Replaces one exact piece of rollout.yaml; fails loudly when the piece is not there.</summary>
    public static string With(string find, string replace)
    {
        Assert.True(Text.Contains(find, StringComparison.Ordinal), $"rollout.yaml no longer contains: {find}");
        return Text.Replace(find, replace, StringComparison.Ordinal);
    }

    /// <summary>Loads the text and returns the validation errors (the load must fail).</summary>
    public static IReadOnlyList<ValidationError> Errors(string yaml)
    {
        var e = Assert.Throws<EstateValidationException>(() => EstateLoader.LoadText(yaml, "rollout.yaml"));
        return e.Errors;
    }

    /// <summary>Asserts exactly one error, at the given path, whose text contains the expected words; returns it.</summary>
    public static ValidationError SingleError(string yaml, string path, string expected)
    {
        var errors = Errors(yaml);
        var error = Assert.Single(errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("rollout.yaml", error.File);
        Assert.True(error.Line > 0, $"error has no line: {error}");
        return error;
    }

    public static int LineOf(string yaml, string fragment)
    {
        var index = yaml.IndexOf(fragment, StringComparison.Ordinal);
        Assert.True(index >= 0, $"fragment not found: {fragment}");
        return yaml[..index].Count(c => c == '\n') + 1;
    }
}
