using System.Diagnostics;

namespace Rollout.SmokeRunner.Tests.Stack;

/// <summary>Runs a server tool to completion or starts a server process, as the server's system user when the tests run as root.</summary>
internal static class TestProcess
{
    /// <summary>The system user a server must run as: PostgreSQL refuses root.</summary>
    public static string[] As(string? systemUser, string program, IEnumerable<string> arguments) =>
        systemUser is null || !Environment.IsPrivilegedProcess
            ? [program, .. arguments]
            : ["setpriv", $"--reuid={systemUser}", $"--regid={systemUser}", "--init-groups", program, .. arguments];

    public static async Task<string> RunAsync(IReadOnlyList<string> command, CancellationToken cancellationToken, string? standardInput = null)
    {
        using var process = Start(command, redirectInput: standardInput is not null);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command[0]} {string.Join(' ', command.Skip(1).Take(3))} … exited {process.ExitCode}: {await error}");
        return await output;
    }

    public static Process Start(IReadOnlyList<string> command, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1)) info.ArgumentList.Add(argument);
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {command[0]}.");
    }

    public static void Chown(string path, string systemUser)
    {
        if (!Environment.IsPrivilegedProcess) return;
        using var process = Start(["chown", "-R", $"{systemUser}:{systemUser}", path]);
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"chown {systemUser} {path} failed: {process.StandardError.ReadToEnd()}");
    }
}
