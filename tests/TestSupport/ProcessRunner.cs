using System.Diagnostics;

namespace Rollout.TestSupport;

/// <summary>
/// Runs a real program to completion (server tools, the mariadb/psql clients, nft, docker-compose, the
/// Provisioner itself) and captures its output: tests act with the same tools an operator would.
/// </summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    /// <summary>Runs <paramref name="fileName"/> (resolved as <see cref="Resolve"/> does); killed with its children and a <see cref="TimeoutException"/> after the timeout.</summary>
    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, TimeSpan? timeout = null, string? standardInput = null)
    {
        var start = new ProcessStartInfo(Resolve(fileName) ?? fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        // Both pipes are drained before any input is written, so a chatty program cannot block on a full pipe.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null) await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish in time.");
        }
        return new Result(process.ExitCode, await output, await error);
    }

    public static bool Exists(string name) => Resolve(name) is not null;

    /// <summary>The program's full path: PATH first, then the sbin directories a non-login root shell may lack.</summary>
    public static string? Resolve(string name) =>
        name.Contains('/') ? name
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Where(dir => dir.Length > 0).Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
