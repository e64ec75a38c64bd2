using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Rollout.SmokeRunner.Telemetry;
using Rollout.SmokeRunner.Tests.Fixtures;

namespace Rollout.SmokeRunner.Tests;

/// <summary>
/// A real run against the provisioned estate, recorded by an in-memory exporter: its checks are spans under one run
/// span, the latency samples a histogram per database and engine, and no secret is in any span.
/// </summary>
[Collection(ProvisionedEstateCollection.Name)]
public class TelemetryTests(ProvisionedEstateFixture estate)
{
    [Fact]
    public async Task A_run_produces_a_span_per_check_unit_and_login_latency_histograms_without_any_secret()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource(SmokeTelemetry.Name).AddInMemoryExporter(spans).Build())
        using (var meters = Sdk.CreateMeterProviderBuilder().AddMeter(SmokeTelemetry.Name).AddInMemoryExporter(metrics).Build())
        {
            var run = await estate.RunSmokeAsync("--output", "json");
            Assert.True(run.ExitCode is 0 or 1, run.All); // latency may be red on a busy machine; the telemetry is what is tested
            tracing.ForceFlush();
            meters.ForceFlush();
        }

        var mine = spans.Where(s => s.GetTagItem("rollout.environment") as string == "local" && s.DisplayName == "smoke run").ToList();
        var root = Assert.Single(mine);
        var children = spans.Where(s => s.TraceId == root.TraceId && s.ParentSpanId == root.SpanId).ToList();
        var databases = estate.Binding.Databases;
        foreach (var database in databases)
        {
            Assert.Contains(children, s => s.DisplayName == $"smoke connectivity {database.Name}");
            Assert.Contains(children, s => s.DisplayName == $"smoke latency {database.Name}");
        }
        Assert.Contains(children, s => s.DisplayName == "smoke isolation svc_crm");
        Assert.Contains(children, s => s.DisplayName == "smoke baseline external-postgres");
        Assert.All(children, s => Assert.NotNull(s.GetTagItem("rollout.checks.passed")));
        Assert.Equal(databases.Count, root.GetTagItem("rollout.databases"));

        var logins = metrics.Where(m => m.Name == SmokeTelemetry.LoginDurationName).ToList();
        Assert.NotEmpty(logins);
        Assert.Equal("ms", logins[0].Unit);
        var points = new List<(string Database, string Engine, long Count)>();
        foreach (var metric in logins)
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags) tags[tag.Key] = tag.Value;
                points.Add(((string)tags["db.namespace"]!, (string)tags["db.system.name"]!, point.GetHistogramCount()));
            }
        Assert.Contains(points, p => p is { Database: "mo_crm", Engine: "mariadb" } && p.Count >= 3);
        Assert.Contains(points, p => p is { Database: "mo_idp", Engine: "postgresql" } && p.Count >= 3);
        Assert.Contains(metrics, m => m.Name == SmokeTelemetry.QueryDurationName);

        var secrets = await estate.SecretValuesAsync();
        Assert.NotEmpty(secrets);
        foreach (var span in spans)
        {
            var texts = span.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(span.StatusDescription ?? "").Append(span.DisplayName);
            foreach (var text in texts)
                Assert.DoesNotContain(secrets, secret => text.Contains(secret, StringComparison.Ordinal));
        }
    }
}
