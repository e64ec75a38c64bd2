using System.Globalization;
using Rollout.Topology.Model;
using YamlDotNet.RepresentationModel;

namespace Rollout.Topology.Loading;

/// <summary>
/// Typed, position-aware reads from one YAML mapping. Every key asked for is remembered, so
/// <see cref="RejectUnknownKeys"/> can name the keys nobody asked for (typos) and list the allowed ones.
/// </summary>
internal sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly LoadContext _context;
    private readonly List<string> _asked = [];

    private YamlMap(YamlMappingNode node, string path, LoadContext context)
    {
        _node = node;
        Path = path;
        _context = context;
        context.Remember(path, node.Start);
        foreach (var (key, value) in node.Children)
            if (key is YamlScalarNode { Value: { } name }) context.Remember(Child(name), value.Start);
    }

    public string Path { get; }

    public static YamlMap? Of(YamlNode? node, string path, LoadContext context)
    {
        if (node is YamlMappingNode mapping) return new YamlMap(mapping, path, context);
        if (node is not null && !IsNull(node))
            context.Error(node.Start, path, $"expected a mapping (key: value pairs), found {Describe(node)}.");
        return null;
    }

    public string Child(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public IEnumerable<(string Key, YamlNode Node)> Entries()
    {
        foreach (var (key, value) in _node.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            _asked.Add(name);
            yield return (name, value);
        }
    }

    public YamlNode? Node(string key)
    {
        _asked.Add(key);
        return _node.Children.TryGetValue(new YamlScalarNode(key), out var value) && !IsNull(value) ? value : null;
    }

    public YamlMap? Map(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null && required) Missing(key, "a mapping");
        return Of(node, Child(key), _context);
    }

    public string? String(string key, bool required = false, string? expected = null)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Missing(key, expected ?? "a value");
            return null;
        }
        if (node is YamlScalarNode scalar) return scalar.Value ?? "";
        _context.Error(node.Start, Child(key), $"expected {expected ?? "a single value"}, found {Describe(node)}.");
        return null;
    }

    public Setting? Setting(string key, bool required = false)
    {
        var text = String(key, required);
        return text is null ? null : SettingAt(text, Child(key), Node(key)!);
    }

    public Setting SettingAt(string text, string path, YamlNode node)
    {
        if (text.StartsWith("${", StringComparison.Ordinal) && !new Setting(text, path).IsReference)
            _context.Error(node.Start, path, $"'{text}' is not a valid reference: write ${{NAME}} or ${{NAME:-default}}, NAME in upper case letters, digits and _.");
        return new Setting(text, path);
    }

    public bool Bool(string key, bool defaultValue)
    {
        var text = String(key, expected: "true or false");
        if (text is null) return defaultValue;
        if (bool.TryParse(text, out var value)) return value;
        _context.Error(Node(key)!.Start, Child(key), $"'{text}' is not a boolean: write true or false.");
        return defaultValue;
    }

    public int? Int(string key, bool required, int min, int max)
    {
        var text = String(key, required, $"a whole number from {min} to {max}");
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        _context.Error(Node(key)!.Start, Child(key), $"'{text}' is not a whole number from {min} to {max}.");
        return null;
    }

    public double? Number(string key, bool required)
    {
        var text = String(key, required, "a number");
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        _context.Error(Node(key)!.Start, Child(key), $"'{text}' is not a number.");
        return null;
    }

    /// <summary>A list of scalars; each item comes with its own path (key[i]) and node for messages.</summary>
    public IReadOnlyList<(string Value, string Path, YamlNode Node)> Scalars(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Missing(key, "a list");
            return [];
        }
        if (node is not YamlSequenceNode sequence)
        {
            _context.Error(node.Start, Child(key), $"expected a list such as [a, b], found {Describe(node)}.");
            return [];
        }
        var items = new List<(string, string, YamlNode)>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var path = $"{Child(key)}[{i}]";
            _context.Remember(path, sequence.Children[i].Start);
            if (sequence.Children[i] is YamlScalarNode { Value: { } value }) items.Add((value, path, sequence.Children[i]));
            else _context.Error(sequence.Children[i].Start, path, $"expected a single value, found {Describe(sequence.Children[i])}.");
        }
        return items;
    }

    public IReadOnlyList<string> Strings(string key, bool required = false) => Scalars(key, required).Select(s => s.Value).ToList();

    /// <summary>Reports every key of this mapping that was never asked for, naming the allowed keys.</summary>
    public void RejectUnknownKeys()
    {
        var allowed = _asked.Distinct().ToList();
        foreach (var (key, _) in _node.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (allowed.Contains(name)) continue;
            var suggestion = allowed.OrderBy(a => EditDistance(a, name)).FirstOrDefault(a => EditDistance(a, name) <= 2);
            _context.Error(key.Start, Child(name),
                $"unknown key '{name}'{(suggestion is null ? "" : $" (did you mean '{suggestion}'?)")}; allowed here: {string.Join(", ", allowed)}.");
        }
    }

    private void Missing(string key, string expected) =>
        _context.Error(_node.Start, Child(key), $"is required: add '{key}:' with {expected}.");

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"'{s.Value}'",
        _ => node.NodeType.ToString(),
    };

    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
