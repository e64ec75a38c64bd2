using Rollout.SmokeRunner.Checks;
using Rollout.SmokeRunner.Checks.Isolation;

namespace Rollout.SmokeRunner.Running;

/// <summary>The verdict of one run: every check result in report order, and the isolation matrix of each server.</summary>
public sealed record SmokeReport(
    string Environment,
    string EstatePath,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    IReadOnlyList<CheckResult> Results,
    IReadOnlyList<IsolationMatrix> Matrices)
{
    public int Failed => Results.Count(r => r.Outcome == Outcome.Failed);

    public int Passed => Results.Count(r => r.Outcome == Outcome.Passed);

    public int Skipped => Results.Count(r => r.Outcome == Outcome.Skipped);

    /// <summary>Green only when no check failed (and at least one ran: an empty run proves nothing).</summary>
    public bool IsGreen => Failed == 0 && Passed > 0;
}
