using System.Globalization;
using System.Text.RegularExpressions;

namespace Rollout.Monitor.Tests.Fixtures;

/// <summary>Reads samples out of Prometheus' text exposition format, as Prometheus itself parses it.</summary>
public static partial class Exposition
{
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})?\s+(?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex SamplePattern();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>[^""]*)""")]
    private static partial Regex LabelPattern();

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public static IReadOnlyList<Sample> Parse(string text) =>
        SamplePattern().Matches(text).Select(m => new Sample(
            m.Groups["name"].Value,
            LabelPattern().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups["key"].Value, l => l.Groups["value"].Value),
            double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))).ToList();

    /// <summary>The value of the one sample with this name and these labels (others may exist); null when absent.</summary>
    public static double? Value(string text, string name, params (string Key, string Value)[] labels) =>
        Parse(text).Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value))
            .Select(s => (double?)s.Value).SingleOrDefault();
}
