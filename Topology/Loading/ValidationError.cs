namespace Rollout.Topology.Loading;

/// <summary>One problem in an estate file: where it is, which setting, and what is allowed instead.</summary>
public sealed record ValidationError(string File, int Line, int Column, string Path, string Message)
{
    public override string ToString() =>
        Path.Length == 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}:{Column}: {Path}: {Message}";
}

/// <summary>The estate file is invalid; <see cref="Errors"/> lists every problem found, not only the first.</summary>
public sealed class EstateValidationException(IReadOnlyList<ValidationError> errors)
    : Exception(Describe(errors))
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;

    private static string Describe(IReadOnlyList<ValidationError> errors) =>
        $"{errors.Count} problem{(errors.Count == 1 ? "" : "s")} in the estate file:{Environment.NewLine}" +
        string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
