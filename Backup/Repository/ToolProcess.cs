using System.Diagnostics;
using Rollout.ServiceDefaults.Redaction;

namespace Rollout.Backup.Repository;

/// <summary>The outcome of an external tool: exit code and captured output (stderr redacted).</summary>
public sealed record ToolResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last meaningful line of stderr, for messages.</summary>
    public string Reason => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit code {ExitCode}";
}

/// <summary>
/// Starts the real tools (restic, mariadb-dump, pg_dump, …) with arguments as a list (no shell) and secrets only in
/// the environment; everything they print on stderr passes the redactor before it can reach a message.
/// </summary>
public static class ToolProcess
{
    public static Process Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        bool redirectInput = false, bool redirectOutput = true)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = redirectOutput,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        try
        {
            return Process.Start(info) ?? throw new BackupException($"{program} could not be started.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BackupException($"{program} is not installed ({e.Message}): apt-get install {PackageOf(program)}.", e);
        }
    }

    public static async Task<ToolResult> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        using var process = Start(program, arguments, environment);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new ToolResult(process.ExitCode, await output, SecretRedactor.Shared.Redact(await error));
    }

    public static string PackageOf(string program) => program switch
    {
        "mariadb-dump" or "mariadb" => "mariadb-client",
        "pg_dump" or "pg_restore" => "postgresql-client-15",
        _ => program,
    };
}
