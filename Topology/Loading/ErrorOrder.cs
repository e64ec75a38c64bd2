namespace Rollout.Topology.Loading;

/// <summary>
/// Orders validation errors by position, cause first: a rule error about an object ("collation is
/// required") that follows from a reading error inside that object (the unknown key 'colation') is
/// listed right after it, wherever in the object each one points.
/// </summary>
internal static class ErrorOrder
{
    /// <param name="errors">All errors; the first <paramref name="readingErrors"/> were found while reading, the rest by the rules.</param>
    public static IReadOnlyList<ValidationError> CauseFirst(IReadOnlyList<ValidationError> errors, int readingErrors)
    {
        var reading = errors.Take(readingErrors).ToList();
        var keyed = new List<(int Line, int Column, int Rank, ValidationError Error)>();
        foreach (var error in reading) keyed.Add((error.Line, error.Column, 0, error));
        foreach (var error in errors.Skip(readingErrors))
        {
            var causes = error.Path.Length == 0 ? [] : reading.Where(r => r.Path.StartsWith(error.Path + ".", StringComparison.Ordinal)).ToList();
            if (causes.Count == 0)
            {
                keyed.Add((error.Line, error.Column, 1, error));
                continue;
            }
            var last = causes.OrderBy(c => c.Line).ThenBy(c => c.Column).Last();
            keyed.Add((last.Line, last.Column, 1, error with { Message = $"{error.Message} (follows from {string.Join(", ", causes.Select(c => c.Path))} above)" }));
        }
        return keyed.OrderBy(k => k.Line).ThenBy(k => k.Column).ThenBy(k => k.Rank).Select(k => k.Error).ToList();
    }
}
