namespace Rollout.SmokeRunner.Checks;

/// <summary>The five families of checks of plan phase 8, in report order.</summary>
public enum CheckKind { Connectivity, Latency, Tls, Isolation, Baseline }

public enum Outcome { Passed, Failed, Skipped }

/// <summary>
/// The verdict of one check on one target (a database, a user or a server). <see cref="Detail"/>
/// explains the verdict in words a reader can act on; it never holds a secret.
/// </summary>
public sealed record CheckResult(CheckKind Kind, string Name, string Target, Outcome Outcome, TimeSpan Duration, string Detail)
{
    /// <summary>"kind: name", the check column of every report.</summary>
    public string Check => $"{Kind.ToString().ToLowerInvariant()}: {Name}";

    public static CheckResult Pass(CheckKind kind, string name, string target, TimeSpan duration, string detail) =>
        new(kind, name, target, Outcome.Passed, duration, detail);

    public static CheckResult Fail(CheckKind kind, string name, string target, TimeSpan duration, string detail) =>
        new(kind, name, target, Outcome.Failed, duration, detail);

    public static CheckResult Verdict(bool passed, CheckKind kind, string name, string target, TimeSpan duration, string detail) =>
        new(kind, name, target, passed ? Outcome.Passed : Outcome.Failed, duration, detail);
}
