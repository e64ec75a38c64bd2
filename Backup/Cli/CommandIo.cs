namespace Rollout.Backup.Cli;

/// <summary>The outside world of a command: its output streams, environment variables and working directory.</summary>
public sealed record CommandIo(TextWriter Out, TextWriter Error, Func<string, string?> Variables, string WorkingDirectory)
{
    public static CommandIo FromConsole() =>
        new(Console.Out, Console.Error, Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory());
}

/// <summary>The values of the options every command shares.</summary>
public sealed record CommonValues(string Environment, string? Estate, string? StateDirectory);
