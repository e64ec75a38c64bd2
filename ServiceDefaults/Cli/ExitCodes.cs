using Rollout.Topology.Binding;
using Rollout.Topology.Loading;

namespace Rollout.ServiceDefaults.Cli;

/// <summary>
/// The exit codes of every Rollout program, one meaning each (README, "Exit codes"):
/// 0 success / nothing pending, 1 an operation failed, 2 changes pending (plan/drift only),
/// 3 invalid input (bad estate file, bad options, unknown database/environment) – nothing was done.
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int ChangesPending = 2;
    public const int InvalidInput = 3;

    /// <summary>
    /// Whether an exception means the input was wrong (so nothing was attempted): an invalid or missing
    /// estate file, an environment that cannot be bound from its variables, an unknown environment,
    /// database or user (the model's lookups throw KeyNotFoundException, the commands ArgumentException).
    /// </summary>
    public static bool IsInvalidInput(Exception exception) =>
        exception is EstateValidationException or BindingException or KeyNotFoundException or ArgumentException or EstateNotFoundException;

    /// <summary>The code for a failure: <see cref="InvalidInput"/> for bad input, else <see cref="Failed"/>.</summary>
    public static int For(Exception exception) => IsInvalidInput(exception) ? InvalidInput : Failed;
}
