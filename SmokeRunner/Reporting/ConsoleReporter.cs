using System.Globalization;
using Rollout.SmokeRunner.Checks;
using Rollout.SmokeRunner.Checks.Isolation;
using Rollout.SmokeRunner.Running;
using Spectre.Console;

namespace Rollout.SmokeRunner.Reporting;

/// <summary>
/// The human view: one line per finished check while the run goes on, then the summary table
/// (check, target, result, time, detail), the isolation matrix of each server and the verdict.
/// </summary>
public sealed class ConsoleReporter(IAnsiConsole console)
{
    private readonly Lock _gate = new();

    public void Progress(CheckResult result)
    {
        lock (_gate)
            console.MarkupLine(CultureInfo.InvariantCulture, "  {0} {1} [grey]{2}[/] {3}",
                Symbol(result.Outcome), Markup.Escape(result.Check), Markup.Escape(result.Target), Milliseconds(result.Duration));
    }

    public void Summary(SmokeReport report)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"Smoke checks — {Markup.Escape(report.Environment)}");
        table.AddColumns("Check", "Target", "Result");
        table.AddColumn(new TableColumn("Time").RightAligned());
        table.AddColumn("Detail");
        foreach (var result in report.Results)
            table.AddRow(
                new Text(result.Check),
                new Text(result.Target),
                new Markup(Label(result.Outcome)),
                new Text(Milliseconds(result.Duration)),
                new Text(result.Detail));
        console.Write(table);

        foreach (var matrix in report.Matrices)
            console.Write(Matrix(matrix));

        var verdict = report.IsGreen ? "[green]PASSED[/]" : "[red]FAILED[/]";
        console.MarkupLine(CultureInfo.InvariantCulture, "{0}: {1} passed, {2} failed, {3} skipped in {4}",
            verdict, report.Passed, report.Failed, report.Skipped, Milliseconds(report.Duration));
    }

    /// <summary>Rows are service users, columns the databases they tried: · own, ✓ refused, ✗ reached, ? undecided.</summary>
    public static Table Matrix(IsolationMatrix matrix)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title($"Isolation matrix — {Markup.Escape(matrix.Server)} (· own, ok refused, XX reached, ?? undecided)");
        table.AddColumn("user \\ database");
        foreach (var database in matrix.Databases) table.AddColumn(new TableColumn(Markup.Escape(database)).Centered());
        foreach (var user in matrix.Users)
            table.AddRow(new[] { Markup.Escape(user) }.Concat(matrix.Databases.Select(d => Cell(matrix.Cell(user, d)))).ToArray());
        return table;
    }

    private static string Cell(IsolationCell? cell) => cell?.State switch
    {
        CellState.Own => "·",
        CellState.Refused => "[green]ok[/]",
        CellState.Reached => "[red]XX[/]",
        _ => "[yellow]??[/]",
    };

    private static string Symbol(Outcome outcome) => outcome switch
    {
        Outcome.Passed => "[green]PASS[/]",
        Outcome.Failed => "[red]FAIL[/]",
        _ => "[yellow]SKIP[/]",
    };

    private static string Label(Outcome outcome) => outcome switch
    {
        Outcome.Passed => "[green]passed[/]",
        Outcome.Failed => "[red]FAILED[/]",
        _ => "[yellow]skipped[/]",
    };

    private static string Milliseconds(TimeSpan duration) =>
        duration.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
