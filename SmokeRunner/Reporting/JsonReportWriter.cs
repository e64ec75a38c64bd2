using System.Text.Json;
using System.Text.Json.Serialization;
using Rollout.SmokeRunner.Checks;
using Rollout.SmokeRunner.Running;

namespace Rollout.SmokeRunner.Reporting;

/// <summary>The report as JSON for machines: every result, and each isolation matrix as rows of cells.</summary>
public static class JsonReportWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize(SmokeReport report) => JsonSerializer.Serialize(new
    {
        environment = report.Environment,
        estate = report.EstatePath,
        startedAt = report.StartedAt,
        durationMs = Math.Round(report.Duration.TotalMilliseconds, 1),
        verdict = report.IsGreen ? "passed" : "failed",
        summary = new { total = report.Results.Count, passed = report.Passed, failed = report.Failed, skipped = report.Skipped },
        checks = report.Results.Select(r => new
        {
            kind = r.Kind,
            name = r.Name,
            target = r.Target,
            result = r.Outcome,
            durationMs = Math.Round(r.Duration.TotalMilliseconds, 2),
            detail = r.Detail,
        }),
        isolation = report.Matrices.Select(m => new
        {
            server = m.Server,
            databases = m.Databases,
            rows = m.Users.Select(user => new
            {
                user,
                cells = m.Databases.ToDictionary(d => d, d => m.Cell(user, d) is { } c ? new { state = c.State, detail = c.Detail } : null),
            }),
        }),
    }, Options);
}
