using Rollout.Provisioner.Planning;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Rollout.Provisioner.Output;

/// <summary>The human view of a plan: one table per server with the SQL in order, and a summary line.</summary>
public static class PlanRenderer
{
    public static void Write(TextWriter writer, ProvisioningPlan plan, bool driftOnly)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        if (Console.IsOutputRedirected || !ReferenceEquals(writer, Console.Out)) console.Profile.Width = 200;

        console.WriteLine($"{(driftOnly ? "Drift" : "Plan")} for environment '{plan.Environment}'{(plan.Prune ? " (with --prune)" : "")}");
        foreach (var server in plan.Servers)
        {
            var changes = server.Changes.Where(c => !driftOnly || c.IsDrift).ToList();
            console.WriteLine();
            console.WriteLine($"{server.Endpoint} — {server.Desired.Databases.Count} databases managed, state read with {server.CatalogQueries} catalog queries");
            foreach (var note in server.Notes) console.WriteLine("  note: " + note);
            if (changes.Count == 0)
            {
                console.WriteLine(driftOnly ? "  no drift" : "  no changes");
                continue;
            }
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("#").AddColumn("action").AddColumn("object").AddColumn("why").AddColumn("SQL");
            var number = 0;
            foreach (var change in changes)
            {
                var sql = change.ManualFix is not null ? "manual: " + change.ManualFix : string.Join(Environment.NewLine, change.Statements.Select(StatementText));
                table.AddRow(Cell((++number).ToString(System.Globalization.CultureInfo.InvariantCulture)), Cell(Action(change)),
                    Cell($"{change.Object.ToString().ToLowerInvariant()} {change.Subject}"), Cell(change.Reason), Cell(sql));
            }
            console.Write(table);
        }

        foreach (var check in plan.ExistingChecks)
            console.WriteLine($"existing {check.Server}: {check.User} → {check.Database}: {(check.Succeeded ? "ok" : check.Detail.StartsWith("not checked", StringComparison.Ordinal) ? "skipped" : "FAILED")} ({check.Detail}) — read only, never altered");

        var shown = plan.Changes.Where(c => !driftOnly || c.IsDrift).ToList();
        console.WriteLine();
        console.WriteLine($"Summary: {shown.Count(c => c.Kind == ChangeKind.Add)} to add, {shown.Count(c => c.Kind == ChangeKind.Change)} to change, " +
                          $"{shown.Count(c => c.Kind == ChangeKind.Revoke)} to revoke, {shown.Count(c => c.Kind == ChangeKind.Unmanaged)} unmanaged" +
                          (shown.Any(c => c.Kind == ChangeKind.Unmanaged) ? " (apply --prune removes them)" : "") + ".");
    }

    private static string Action(PlannedChange change) => change.ManualFix is not null ? "drift" : change.Kind.ToString().ToLowerInvariant();

    private static string StatementText(SqlStatement statement) =>
        statement.Database is null ? statement.Display + ";" : $"-- in {statement.Database}{Environment.NewLine}{statement.Display};";

    private static IRenderable Cell(string text) => new Text(text);
}
