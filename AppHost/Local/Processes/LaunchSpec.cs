namespace Rollout.AppHost.Local.Processes;

/// <summary>Signals the AppHost sends (Linux numbers).</summary>
public enum Signal
{
    Hangup = 1,
    Interrupt = 2,
    Quit = 3,
    Abort = 6,
    Kill = 9,
    Terminate = 15,
    Continue = 18,
    Stop = 19,
}

/// <summary>
/// One program the AppHost runs: as <see cref="Account"/> when root, stdout and stderr appended to
/// <see cref="LogPath"/>, standard input read from <see cref="StandardInputPath"/> (default /dev/null; opened
/// by the AppHost's user, so it may be a 0600 file the account cannot read), and sent <see cref="DeathSignal"/>
/// by the kernel if the AppHost dies.
/// </summary>
public sealed record LaunchSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    string LogPath,
    ServerAccount? Account,
    Signal DeathSignal = Signal.Terminate,
    string? WorkingDirectory = null,
    IReadOnlyDictionary<string, string>? Environment = null,
    string? StandardInputPath = null)
{
    /// <summary>The command as shown in logs (never contains a secret: secrets go through files or the environment).</summary>
    public string Display => string.Join(' ', new[] { FileName }.Concat(Arguments));
}
