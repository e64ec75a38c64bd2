using System.Text.Json;

namespace Rollout.SmokeRunner.Tests.Fixtures;

/// <summary>Reads the SmokeRunner's --output json report for assertions.</summary>
public sealed class SmokeJson
{
    private readonly JsonElement _root;

    public SmokeJson(string json) => _root = JsonDocument.Parse(json).RootElement;

    public string Verdict => _root.GetProperty("verdict").GetString()!;

    public sealed record Check(string Kind, string Name, string Target, string Result, string Detail);

    public IReadOnlyList<Check> Checks => _root.GetProperty("checks").EnumerateArray()
        .Select(c => new Check(c.GetProperty("kind").GetString()!, c.GetProperty("name").GetString()!, c.GetProperty("target").GetString()!,
            c.GetProperty("result").GetString()!, c.GetProperty("detail").GetString()!))
        .ToList();

    public IEnumerable<Check> Failed => Checks.Where(c => c.Result == "failed");

    /// <summary>
    /// Failures other than latency: on a machine shared with other work a busy moment can push a
    /// connect over 100 ms, so tests that break something else assert on these (latency has its own tests).
    /// </summary>
    public IEnumerable<Check> FailedBeyondLatency => Failed.Where(c => c.Kind != "latency");

    public Check Single(string kind, string name, string target) =>
        Assert.Single(Checks, c => c.Kind == kind && c.Name == name && c.Target == target);

    /// <summary>The state of one isolation matrix cell ("own", "refused", "reached", "error").</summary>
    public string Cell(string server, string user, string database) => CellElement(server, user, database).GetProperty("state").GetString()!;

    /// <summary>What one isolation matrix cell says happened (for a refusal: the server's message).</summary>
    public string CellDetail(string server, string user, string database) => CellElement(server, user, database).GetProperty("detail").GetString()!;

    private JsonElement CellElement(string server, string user, string database)
    {
        var matrix = _root.GetProperty("isolation").EnumerateArray().Single(m => m.GetProperty("server").GetString() == server);
        var row = matrix.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("user").GetString() == user);
        return row.GetProperty("cells").GetProperty(database);
    }

    public IEnumerable<(string Server, string User, string Database, string State)> Cells =>
        _root.GetProperty("isolation").EnumerateArray().SelectMany(m => m.GetProperty("rows").EnumerateArray().SelectMany(r =>
            r.GetProperty("cells").EnumerateObject().Select(c => (m.GetProperty("server").GetString()!, r.GetProperty("user").GetString()!, c.Name,
                c.Value.GetProperty("state").GetString()!))));
}
