namespace Rollout.SmokeRunner.Checks;

/// <summary>Builds baseline results: passed with a summary when there are no problems, else failed listing every problem.</summary>
public static class BaselineItem
{
    public static CheckResult From(string name, string server, TimeSpan elapsed, IReadOnlyCollection<string> problems, string whenSound) =>
        problems.Count == 0
            ? CheckResult.Pass(CheckKind.Baseline, name, server, elapsed, whenSound)
            : CheckResult.Fail(CheckKind.Baseline, name, server, elapsed, string.Join("; ", problems));

    public static CheckResult NotVisible(string name, string server, string why) =>
        new(CheckKind.Baseline, name, server, Outcome.Skipped, TimeSpan.Zero, why);

    /// <summary>The baseline could not be read at all: every item fails with the cause.</summary>
    public static IReadOnlyList<CheckResult> Unreadable(IEnumerable<string> names, string server, TimeSpan elapsed, string why) =>
        names.Select(n => CheckResult.Fail(CheckKind.Baseline, n, server, elapsed, why)).ToList();
}
