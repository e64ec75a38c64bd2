using System.Diagnostics;

namespace Rollout.Provisioner.Tests.Infrastructure;

/// <summary>Runs a real program (server tools, mariadb/psql clients, the Provisioner itself) and captures its output.</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string All => Out + Error;
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, IDictionary<string, string>? environment = null,
        string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null) foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in time.");
        }
        return new Result(process.ExitCode, await output, await error);
    }

    public static async Task<Result> RunCheckedAsync(string file, params string[] arguments)
    {
        var result = await RunAsync(file, arguments);
        if (result.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.All}");
        return result;
    }
}
