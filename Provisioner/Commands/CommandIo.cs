namespace Rollout.Provisioner.Commands;

/// <summary>The outside world of a command: its output streams, environment variables and working directory.</summary>
public sealed record CommandIo(TextWriter Out, TextWriter Error, Func<string, string?> Variables, string WorkingDirectory)
{
    public static CommandIo FromConsole() =>
        new(Console.Out, Console.Error, Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory());
}

/// <summary>Exit codes, as terraform plan -detailed-exitcode has them.</summary>
public static class ExitCodes
{
    public const int NoChanges = 0;
    public const int Error = 1;
    public const int ChangesPending = 2;
}
