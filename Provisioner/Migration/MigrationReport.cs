using System.Text;
using System.Text.Json;

namespace Rollout.Provisioner.Migration;

/// <summary>The record of one migrate or verify run, written as Markdown (for people) and JSON (for machines).</summary>
public sealed record MigrationReport(
    string Database,
    string Environment,
    string Mode,
    string Source,
    string Target,
    DateTimeOffset At,
    IReadOnlyList<Finding> Preflight,
    DumpSummary? Backup,
    IReadOnlyList<string> Conversions,
    VerificationResult? Verification,
    string Outcome)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public async Task<(string Markdown, string Json)> WriteAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, $"{Database}.{Mode}.{At:yyyyMMdd'T'HHmmss'Z'}");
        await File.WriteAllTextAsync(stem + ".md", ToMarkdown(), cancellationToken);
        await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(ToJson(), Json), cancellationToken);
        return (stem + ".md", stem + ".json");
    }

    private object ToJson() => new
    {
        database = Database,
        environment = Environment,
        mode = Mode,
        source = Source,
        target = Target,
        at = At,
        outcome = Outcome,
        equal = Verification?.Equal,
        preflight = Preflight.Select(f => new { severity = f.Severity.ToString().ToLowerInvariant(), message = f.Message }),
        backup = Backup,
        conversions = Conversions,
        schemaObjects = Verification?.ObjectCounts,
        schemaDifferences = Verification?.SchemaDifferences,
        tables = Verification?.Tables.Select(t => new
        {
            table = t.Table,
            method = t.Method,
            chunks = t.Chunks,
            sourceRows = t.SourceRows,
            targetRows = t.TargetRows,
            sourceChecksum = t.SourceChecksum,
            targetChecksum = t.TargetChecksum,
            equal = t.Equal,
            differences = t.Differences.Select(d => new { keyRange = d.KeyRange, sourceRows = d.SourceRows, targetRows = d.TargetRows, rows = d.Rows }),
        }),
    };

    private string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine($"# Migration report: {Database} ({Mode})").AppendLine()
          .AppendLine($"- environment: {Environment}").AppendLine($"- source: {Source} (read only)").AppendLine($"- target: {Target}")
          .AppendLine($"- at: {At:u}").AppendLine($"- outcome: **{Outcome}**").AppendLine();
        if (Preflight.Count > 0)
        {
            md.AppendLine("## Preflight").AppendLine();
            foreach (var finding in Preflight) md.AppendLine($"- {finding}");
            md.AppendLine();
        }
        if (Backup is { } b)
            md.AppendLine("## Backup of the source").AppendLine().AppendLine($"`{b.Path}`: {b.Bytes} bytes, sha256 {b.Sha256}, {b.Tables} tables, complete.").AppendLine();
        if (Conversions.Count > 0)
        {
            md.AppendLine("## Collation conversions").AppendLine();
            foreach (var c in Conversions) md.AppendLine($"- {c}");
            md.AppendLine();
        }
        if (Verification is { } v)
        {
            md.AppendLine("## Tables").AppendLine().AppendLine("| table | source rows | target rows | source checksum | target checksum | chunks | method | equal |").AppendLine("|---|---:|---:|---|---|---:|---|---|");
            foreach (var t in v.Tables)
                md.AppendLine($"| {t.Table} | {t.SourceRows} | {t.TargetRows} | {t.SourceChecksum} | {t.TargetChecksum} | {t.Chunks} | {t.Method} | {(t.Equal ? "yes" : "**no**")} |");
            md.AppendLine().AppendLine("## Schema objects (source)").AppendLine();
            md.AppendLine(string.Join(", ", v.ObjectCounts.Select(c => $"{c.Value} {c.Key}(s)"))).AppendLine();
            var problems = v.Problems.ToList();
            md.AppendLine("## Differences").AppendLine();
            md.AppendLine(problems.Count == 0 ? "None: schema objects, row counts and checksums are equal." : string.Join("\n", problems.Select(p => "- " + p)));
        }
        return md.ToString();
    }
}
