using System.Diagnostics;

namespace Rollout.AppHost.Tests.Publishing;

/// <summary>Runs a real command-line tool (nft, docker-compose, psql, …) and captures its output.</summary>
internal static class Tool
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments, string? standardInput = null,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null)
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
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null) await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
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

    /// <summary>The tool's full path: PATH first, then the sbin directories a non-login root shell may lack.</summary>
    public static string? Resolve(string name) =>
        name.Contains('/') ? name
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Where(dir => dir.Length > 0).Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}

/// <summary>A fact that needs root (network namespaces, firewall checks in them); skipped with the reason otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
            Skip = "needs root: network namespaces and nftables rules cannot be created by an unprivileged user.";
        else if (!Tool.Exists("ip") || !Tool.Exists("nft"))
            Skip = "needs iproute2 (ip) and nftables (nft): apt-get install iproute2 nftables.";
    }
}

/// <summary>A fact that needs a command-line tool on PATH; skipped with the install hint otherwise.</summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string tool, string install)
    {
        if (!Tool.Exists(tool)) Skip = $"{tool} is not installed ({install}).";
    }
}
