using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Rollout.SmokeRunner.Checks;
using Rollout.SmokeRunner.Running;

namespace Rollout.SmokeRunner.Reporting;

/// <summary>
/// Writes the report as JUnit XML in the shape CI test reporters read (GitHub Actions' test-report
/// actions, GitLab, Jenkins): one &lt;testsuite&gt; per check kind, one &lt;testcase&gt; per result,
/// &lt;failure&gt; for a failed check, &lt;skipped&gt; for one that could not apply.
/// </summary>
public static class JUnitReportWriter
{
    public static XDocument Build(SmokeReport report)
    {
        var suites = new XElement("testsuites",
            new XAttribute("name", $"rollout smoke ({report.Environment})"),
            new XAttribute("tests", report.Results.Count),
            new XAttribute("failures", report.Failed),
            new XAttribute("errors", 0),
            new XAttribute("skipped", report.Skipped),
            new XAttribute("time", Seconds(report.Duration)),
            new XAttribute("timestamp", Timestamp(report.StartedAt)));
        foreach (var group in report.Results.GroupBy(r => r.Kind).OrderBy(g => g.Key))
        {
            var kind = group.Key.ToString().ToLowerInvariant();
            suites.Add(new XElement("testsuite",
                new XAttribute("name", kind),
                new XAttribute("tests", group.Count()),
                new XAttribute("failures", group.Count(r => r.Outcome == Outcome.Failed)),
                new XAttribute("errors", 0),
                new XAttribute("skipped", group.Count(r => r.Outcome == Outcome.Skipped)),
                new XAttribute("time", Seconds(TimeSpan.FromTicks(group.Sum(r => r.Duration.Ticks)))),
                new XAttribute("timestamp", Timestamp(report.StartedAt)),
                new XAttribute("hostname", Environment.MachineName),
                group.Select(r => TestCase(report, kind, r))));
        }
        return new XDocument(new XDeclaration("1.0", "utf-8", null), suites);
    }

    public static async Task WriteAsync(SmokeReport report, string path, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        await using var stream = File.Create(path);
        await using var writer = XmlWriter.Create(stream, new XmlWriterSettings { Async = true, Indent = true, Encoding = new System.Text.UTF8Encoding(false) });
        await Build(report).SaveAsync(writer, cancellationToken);
    }

    private static XElement TestCase(SmokeReport report, string kind, CheckResult result)
    {
        var testCase = new XElement("testcase",
            new XAttribute("name", $"{result.Name} [{result.Target}]"),
            new XAttribute("classname", $"rollout.smoke.{report.Environment}.{kind}"),
            new XAttribute("time", Seconds(result.Duration)));
        switch (result.Outcome)
        {
            case Outcome.Failed:
                testCase.Add(new XElement("failure",
                    new XAttribute("message", $"{result.Check} failed for {result.Target}"),
                    new XAttribute("type", "SmokeCheckFailed"),
                    result.Detail));
                break;
            case Outcome.Skipped:
                testCase.Add(new XElement("skipped", new XAttribute("message", result.Detail)));
                break;
            default:
                testCase.Add(new XElement("system-out", result.Detail));
                break;
        }
        return testCase;
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
}
