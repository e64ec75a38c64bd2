using System.Diagnostics;

namespace Rollout.Provisioner.Tests.Secrets;

/// <summary>Runs the real Provisioner as a child process (for tests that make it exit part-way).</summary>
internal static class ProvisionerProcess
{
    private static readonly string Assembly = Path.Combine(AppContext.BaseDirectory, "Rollout.Provisioner.dll");

    public static async Task<(int Code, string Output)> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Assembly);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output + await error);
    }
}
