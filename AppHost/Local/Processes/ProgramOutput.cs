using System.Diagnostics;

namespace Rollout.AppHost.Local.Processes;

/// <summary>Runs a quick informational program (`locale -a`, `postgres --version`) and returns its standard output.</summary>
public static class ProgramOutput
{
    public static async Task<string> ReadAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new LocalServerException($"Cannot run {program}.");
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await error;
        await process.WaitForExitAsync(cancellationToken);
        return output;
    }
}
