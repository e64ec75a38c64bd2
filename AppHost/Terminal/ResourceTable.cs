using Rollout.AppHost.Orchestration;
using Spectre.Console;

namespace Rollout.AppHost.Terminal;

/// <summary>
/// The resource table in the terminal (name, kind, state, endpoint): a live Spectre.Console table
/// when the output is a terminal, one line per state change otherwise (logs, CI, tests).
/// </summary>
public sealed class ResourceTable(ResourceStatusBoard board, bool live)
{
    private readonly Lock _gate = new();

    /// <summary>Shows the table until <paramref name="cancellationToken"/> fires; returns at once in line mode after subscribing.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!live || Console.IsOutputRedirected)
        {
            board.Changed += PrintLine;
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                board.Changed -= PrintLine;
            }
            return;
        }

        var table = Build();
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async context =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Fill(table);
                context.Refresh();
                try
                {
                    await Task.Delay(200, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
            }
            Fill(table);
            context.Refresh();
        });
    }

    private static Table Build()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Rollout local estate[/]");
        table.AddColumn("Name").AddColumn("Kind").AddColumn("State").AddColumn("Endpoint").AddColumn("PID").AddColumn("Databases").AddColumn("Detail");
        return table;
    }

    private void Fill(Table table)
    {
        table.Rows.Clear();
        // Databases follow their server: one row per server (with its database count) fits a terminal;
        // resources.json lists every database.
        foreach (var status in board.All.Where(s => s.Kind != "Database"))
            table.AddRow(
                Markup.Escape(status.Name),
                Markup.Escape(status.Kind),
                $"[{Colour(status.State)}]{status.State}[/]",
                Markup.Escape(status.Endpoint),
                status.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                board.DatabaseCount(status.Name) is var count and > 0 ? count.ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
                Markup.Escape(status.Detail ?? ""));
    }

    private void PrintLine(ResourceStatus status)
    {
        // Databases follow their server; one line per server keeps the log readable.
        if (status.Kind == "Database") return;
        lock (_gate)
            Console.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {status.Name,-18} {status.Kind,-10} {status.State,-16} {status.Endpoint,-16} {status.Detail}");
    }

    private static string Colour(string state) => state switch
    {
        ResourceStates.Running or ResourceStates.Finished => "green",
        ResourceStates.Starting or ResourceStates.Waiting or ResourceStates.Stopping => "yellow",
        ResourceStates.FailedToStart or ResourceStates.RuntimeUnhealthy => "red",
        _ => "grey",
    };
}
