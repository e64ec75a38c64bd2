using YamlDotNet.Core;

namespace Rollout.Topology.Loading;

/// <summary>
/// Collects errors while an estate file is read, and remembers where each YAML path stands so
/// that rules checked later, on the typed model, can still point at a line and column.
/// </summary>
internal sealed class LoadContext(string file)
{
    private readonly List<ValidationError> _errors = [];
    private readonly Dictionary<string, Mark> _marks = new(StringComparer.Ordinal);

    public string File { get; } = file;

    /// <summary>Servers whose own definition is broken: rules that depend on their engine skip them.</summary>
    public HashSet<string> BrokenServers { get; } = [];

    public IReadOnlyList<ValidationError> Errors => _errors;

    public void Remember(string path, Mark mark) => _marks.TryAdd(path, mark);

    public void Error(Mark mark, string path, string message) =>
        _errors.Add(new ValidationError(File, (int)mark.Line, (int)mark.Column, path, message));

    /// <summary>Reports at the closest known position of <paramref name="path"/> (or of a parent path).</summary>
    public void Error(string path, string message) => Error(MarkOf(path), path, message);

    public Mark MarkOf(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
            if (_marks.TryGetValue(p, out var mark)) return mark;
        return Mark.Empty;
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
