using System.Collections.Concurrent;
using System.Diagnostics;
using Rollout.SmokeRunner.Checks;
using Rollout.SmokeRunner.Checks.Isolation;
using Rollout.SmokeRunner.Engines;
using Rollout.SmokeRunner.Telemetry;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Running;

/// <summary>
/// Runs every check of a bound environment with at most <see cref="SmokeSettings.Parallelism"/>
/// units of work in flight: one probe per database, one isolation row per service user, one
/// baseline per server; then latency, database by database. Each finished result is handed to the
/// observer as it arrives.
/// </summary>
public sealed class SmokeRun(SmokeContext context)
{
    /// <summary>One unit of work; <see cref="Order"/> is its place in the report, <see cref="Weight"/> how early it starts.</summary>
    private sealed record WorkItem(int Order, int Weight, CheckKind Kind, string Target, Func<CancellationToken, Task<IReadOnlyList<CheckResult>>> Run);

    public async Task<SmokeReport> ExecuteAsync(Action<CheckResult>? observer, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var binding = context.Binding;
        using var runSpan = SmokeTelemetry.StartRun(binding.Name, binding.Databases.Count);
        var servers = binding.Servers.Values.Where(s => s.Server.IsDatabaseServer).ToList();
        var cells = new ConcurrentBag<IsolationCell>();
        var work = new List<WorkItem>();

        // Probes come first in the work list, so a probe's report order is its index in `probes`.
        var databases = binding.Databases.Where(d => binding.Servers.ContainsKey(d.ServerName)).ToList();
        var probes = databases.Select(d => new DatabaseProbe(context, d)).ToList();
        for (var i = 0; i < probes.Count; i++)
            work.Add(new WorkItem(i, 1, CheckKind.Connectivity, databases[i].Name, probes[i].RunAsync));
        foreach (var server in servers)
        {
            var engine = SmokeEngines.For(server.Engine);
            // PostgreSQL rows cost one TLS login per cell: they start first so they do not become the tail.
            var rowWeight = server.Engine == Engine.PostgreSql ? 2 : 1;
            foreach (var row in IsolationMatrix.Plan(binding, server.Name, engine.SystemDatabases))
                work.Add(new WorkItem(work.Count, rowWeight, CheckKind.Isolation, row.Own.User, async ct =>
                {
                    var result = await ProbeRowAsync(engine, row, ct);
                    foreach (var cell in result.Cells) cells.Add(cell);
                    return [result.Verdict];
                }));
            work.Add(new WorkItem(work.Count, 1, CheckKind.Baseline, server.Name, ct => engine.CheckBaselineAsync(context, server, ct)));
        }

        var results = new ConcurrentBag<(int Order, int Index, CheckResult Result)>();
        await Parallel.ForEachAsync(work.OrderByDescending(w => w.Weight).ThenBy(w => w.Order),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, context.Settings.Parallelism), CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                var produced = await RunGuardedAsync(item, ct);
                for (var i = 0; i < produced.Count; i++)
                {
                    results.Add((item.Order, i, produced[i]));
                    observer?.Invoke(produced[i]);
                }
            });

        // Latency is measured once the parallel storm of logins is over:
        // on a small machine that shares its cores with the servers, concurrent logins would
        // measure the runner's own contention instead of the server.
        // Two at a time at most: a 2-core runner then still gives each measurement a core.
        var reached = probes.Select((p, i) => (Probe: p, Order: i)).Where(x => x.Probe.Reached is not null).ToList();
        await Parallel.ForEachAsync(reached,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Min(2, Math.Max(1, context.Settings.Parallelism)), CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                using var span = SmokeTelemetry.StartCheck(CheckKind.Latency, databases[item.Order].Name);
                var latency = await item.Probe.MeasureLatencyAsync(ct);
                SmokeTelemetry.Complete(span, [latency]);
                results.Add((item.Order, -1, latency));
                observer?.Invoke(latency);
            });

        var matrices = servers.Select(s => IsolationMatrix.Assemble(s.Name, binding.DatabasesOn(s.Name).ToList(),
            SmokeEngines.For(s.Engine).SystemDatabases, cells.Where(c => binding.DatabasesOn(s.Name).Any(d => d.User == c.User)))).ToList();
        var ordered = results.OrderBy(r => r.Result.Kind).ThenBy(r => r.Order).ThenBy(r => r.Index).Select(r => r.Result).ToList();
        SmokeTelemetry.Complete(runSpan, ordered);
        return new SmokeReport(binding.Name, binding.Estate.SourcePath, startedAt, watch.Elapsed, ordered, matrices);
    }

    /// <summary>An unexpected error in one unit fails that unit's check with the error, not the whole run.</summary>
    private static async Task<IReadOnlyList<CheckResult>> RunGuardedAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var span = SmokeTelemetry.StartCheck(item.Kind, item.Target);
        IReadOnlyList<CheckResult> results;
        try
        {
            results = await item.Run(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            results = [CheckResult.Fail(item.Kind, "unexpected error", item.Target, watch.Elapsed, $"{e.GetType().Name}: {e.Message}")];
        }
        SmokeTelemetry.Complete(span, results);
        return results;
    }

    private async Task<(CheckResult Verdict, IReadOnlyList<IsolationCell> Cells)> ProbeRowAsync(ISmokeEngine engine, IsolationRow row, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        IReadOnlyList<IsolationCell> cells;
        try
        {
            var login = await context.Logins.ForAsync(row.Own, cancellationToken);
            cells = await engine.ProbeOtherDatabasesAsync(login, row.Targets, cancellationToken);
        }
        catch (MissingSecretException e)
        {
            cells = row.Targets.Select(t => new IsolationCell(row.Own.User, t, CellState.Error, $"not tested: {e.Message}")).ToList();
        }
        return (IsolationVerdict(row.Own, cells, watch.Elapsed), cells);
    }

    /// <summary>One row of the matrix as a result: passes only when every other database refused the user.</summary>
    public static CheckResult IsolationVerdict(DatabaseSpec own, IReadOnlyList<IsolationCell> cells, TimeSpan elapsed)
    {
        const string name = "other databases refused";
        var reached = cells.Where(c => c.State == CellState.Reached).Select(c => $"{c.User} REACHED {c.Database}").ToList();
        var errors = cells.Where(c => c.State == CellState.Error).Select(c => $"{c.User} → {c.Database} not decided: {c.Detail}").ToList();
        if (reached.Count == 0 && errors.Count == 0)
            return CheckResult.Pass(CheckKind.Isolation, name, own.User, elapsed,
                $"refused on all {cells.Count} other databases ({string.Join(", ", cells.Select(c => c.Database))})");
        // Errors with one cause (server down, missing secret) are said once, not once per cell.
        var distinctErrors = errors.Count > 1 && cells.Where(c => c.State == CellState.Error).Select(c => c.Detail).Distinct().Count() == 1
            ? [$"{own.User} → {errors.Count} databases not decided: {cells.First(c => c.State == CellState.Error).Detail}"]
            : errors;
        return CheckResult.Fail(CheckKind.Isolation, name, own.User, elapsed, string.Join("; ", reached.Concat(distinctErrors)));
    }
}
