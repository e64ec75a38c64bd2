using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Rollout.SmokeRunner.Checks;
using Rollout.SmokeRunner.Reporting;
using Rollout.SmokeRunner.Running;

namespace Rollout.SmokeRunner.Tests.Units;

public class JUnitReportWriterTests
{
    private static readonly SmokeReport Report = new("local", "/repo/rollout.yaml", new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(812),
    [
        CheckResult.Pass(CheckKind.Connectivity, "login and SELECT 1", "mo_crm", TimeSpan.FromMilliseconds(12.5), "svc_crm over TLS"),
        CheckResult.Fail(CheckKind.Connectivity, "login and SELECT 1", "mo_idp", TimeSpan.FromMilliseconds(3), "cannot reach external-postgres: <refused> & \"gone\""),
        CheckResult.Pass(CheckKind.Tls, "session encrypted", "mo_crm", TimeSpan.FromMilliseconds(1), "TLSv1.3"),
        new CheckResult(CheckKind.Baseline, "no anonymous users", "plesk", Outcome.Skipped, TimeSpan.Zero, "not visible"),
    ], []);

    [Fact]
    public void The_report_validates_against_the_junit_schema_ci_reporters_read()
    {
        var schemas = new XmlSchemaSet();
        schemas.Add(null, Path.Combine(AppContext.BaseDirectory, "Units", "junit.xsd"));
        var errors = new List<string>();

        JUnitReportWriter.Build(Report).Validate(schemas, (_, e) => errors.Add(e.Message));

        Assert.Empty(errors);
    }

    [Fact]
    public void Counts_suites_and_failures_match_the_results()
    {
        var root = JUnitReportWriter.Build(Report).Root!;

        Assert.Equal("4", root.Attribute("tests")!.Value);
        Assert.Equal("1", root.Attribute("failures")!.Value);
        Assert.Equal("1", root.Attribute("skipped")!.Value);
        Assert.Equal("0.812", root.Attribute("time")!.Value);
        Assert.Equal(["connectivity", "tls", "baseline"], root.Elements("testsuite").Select(s => s.Attribute("name")!.Value));
        var connectivity = root.Elements("testsuite").First();
        Assert.Equal("2", connectivity.Attribute("tests")!.Value);
        Assert.Equal("1", connectivity.Attribute("failures")!.Value);
        var failed = connectivity.Elements("testcase").Single(t => t.Element("failure") is not null);
        Assert.Equal("login and SELECT 1 [mo_idp]", failed.Attribute("name")!.Value);
        Assert.Equal("rollout.smoke.local.connectivity", failed.Attribute("classname")!.Value);
        Assert.Equal("cannot reach external-postgres: <refused> & \"gone\"", failed.Element("failure")!.Value);
        Assert.NotNull(root.Descendants("testcase").Single(t => t.Attribute("name")!.Value.Contains("anonymous")).Element("skipped"));
    }

    [Fact]
    public async Task The_file_is_utf8_xml_that_parses_back()
    {
        var path = Path.Combine(Path.GetTempPath(), $"smoke-junit-{Guid.NewGuid():N}", "nested", "junit.xml");
        try
        {
            await JUnitReportWriter.WriteAsync(Report, path, CancellationToken.None);

            var text = await File.ReadAllTextAsync(path);
            Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", text);
            Assert.Equal(4, XDocument.Parse(text).Descendants("testcase").Count());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(path))!, recursive: true);
        }
    }
}
