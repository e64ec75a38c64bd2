namespace Rollout.AppHost.Publishing;

/// <summary>Publishing cannot proceed; the message names the input at fault and the fix. Nothing was written.</summary>
public sealed class PublishException(string message, IReadOnlyList<string>? errors = null) : Exception(message)
{
    public IReadOnlyList<string> Errors { get; } = errors ?? [message];

    public static PublishException FromErrors(string heading, IReadOnlyList<string> errors) =>
        new(heading + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors), errors);
}
