namespace Rollout.Provisioner.Commands;

/// <summary>The outside world of a command: its output streams, environment variables and working directory.</summary>
public sealed record CommandIo(TextWriter Out, TextWriter Error, Func<string, string?> Variables, string WorkingDirectory)
{
    public static CommandIo FromConsole() =>
        new(Console.Out, Console.Error, Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory());
}

/// <summary>Exit codes, as terraform plan -detailed-exitcode has them (the same in every program: <see cref="ServiceDefaults.Cli.ExitCodes"/>).</summary>
public static class ExitCodes
{
    public const int NoChanges = ServiceDefaults.Cli.ExitCodes.Success;
    public const int Error = ServiceDefaults.Cli.ExitCodes.Failed;
    public const int ChangesPending = ServiceDefaults.Cli.ExitCodes.ChangesPending;
    public const int InvalidInput = ServiceDefaults.Cli.ExitCodes.InvalidInput;
}
