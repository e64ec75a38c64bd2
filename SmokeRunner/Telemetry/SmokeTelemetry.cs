using System.Diagnostics;
using System.Diagnostics.Metrics;
using Rollout.ServiceDefaults.Redaction;
using Rollout.SmokeRunner.Checks;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Telemetry;

/// <summary>
/// The SmokeRunner's traces and metrics: a span for the run and one per unit of checks (a database probe, an
/// isolation row, a baseline, a latency measurement) carrying the verdicts; the latency samples as histograms in
/// milliseconds, tagged with the database and the engine, so a run can be read in the dashboard.
/// </summary>
public static class SmokeTelemetry
{
    /// <summary>The ActivitySource and Meter name.</summary>
    public const string Name = "Rollout.SmokeRunner";

    public const string LoginDurationName = "rollout.smoke.login.duration";
    public const string QueryDurationName = "rollout.smoke.query.duration";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> LoginDuration = Meter.CreateHistogram<double>(LoginDurationName, "ms",
        "A fresh TLS login of a service user to its own database (the latency check's connect samples).");

    private static readonly Histogram<double> QueryDuration = Meter.CreateHistogram<double>(QueryDurationName, "ms",
        "One SELECT 1 round trip on a service user's session (the latency check's samples).");

    public static Activity? StartRun(string environment, int databases)
    {
        var activity = Source.StartActivity("smoke run");
        activity?.SetTag("rollout.environment", environment);
        activity?.SetTag("rollout.databases", databases);
        return activity;
    }

    public static Activity? StartCheck(CheckKind kind, string target)
    {
        var activity = Source.StartActivity($"smoke {kind.ToString().ToLowerInvariant()} {target}");
        activity?.SetTag("rollout.check.kind", kind.ToString().ToLowerInvariant());
        activity?.SetTag("rollout.check.target", target);
        return activity;
    }

    /// <summary>The verdicts of a unit on its span: counts by outcome, and an error status naming the failed checks.</summary>
    public static void Complete(Activity? activity, IReadOnlyList<CheckResult> results)
    {
        if (activity is null) return;
        activity.SetTag("rollout.checks.passed", results.Count(r => r.Outcome == Outcome.Passed));
        activity.SetTag("rollout.checks.failed", results.Count(r => r.Outcome == Outcome.Failed));
        activity.SetTag("rollout.checks.skipped", results.Count(r => r.Outcome == Outcome.Skipped));
        var failed = results.Where(r => r.Outcome == Outcome.Failed).ToList();
        if (failed.Count > 0)
            activity.SetStatus(ActivityStatusCode.Error, SecretRedactor.Shared.Redact(string.Join("; ", failed.Select(f => $"{f.Check} {f.Target}: {f.Detail}"))));
    }

    public static void RecordLogin(double milliseconds, DatabaseSpec database, Engine engine) =>
        LoginDuration.Record(milliseconds, Tags(database, engine));

    public static void RecordQuery(double milliseconds, DatabaseSpec database, Engine engine) =>
        QueryDuration.Record(milliseconds, Tags(database, engine));

    private static TagList Tags(DatabaseSpec database, Engine engine) => new()
    {
        { "db.namespace", database.Name },
        { "db.system.name", engine == Engine.MariaDb ? "mariadb" : "postgresql" },
        { "rollout.server", database.ServerName },
    };
}
