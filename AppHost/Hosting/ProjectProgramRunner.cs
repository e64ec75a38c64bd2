using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// Runs a project resource's built program (the same build Aspire runs) once with some arguments, for a resource
/// command: success is exit code 0, the answer its exit code and last lines (already redacted by the program).
/// Every estate command (apply, plan, smoke, backup-now, restore-test) runs through it.
/// </summary>
internal static class ProjectProgramRunner
{
    private const int SummaryLines = 6;

    public static async Task<ExecuteCommandResult> RunAsync(ProjectResource project, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var metadata = project.GetProjectMetadata();
        var projectDirectory = Path.GetDirectoryName(metadata.ProjectPath)!;
        var assembly = Path.Combine(projectDirectory, "bin", BuildConfiguration(), "net10.0", Path.GetFileNameWithoutExtension(metadata.ProjectPath) + ".dll");
        if (!File.Exists(assembly)) return CommandResults.Failure($"{assembly} not found: build it with `dotnet build {metadata.ProjectPath}`.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = projectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // A cancelled command must not leave a dump or restore running behind the dashboard's back.
            process.Kill(entireProcessTree: true);
            throw;
        }
        var lines = ((await output) + (await error)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var summary = $"exit code {process.ExitCode}: {string.Join(" | ", lines.TakeLast(SummaryLines))}";
        return process.ExitCode == 0 ? CommandResults.Success(summary) : CommandResults.Failure(summary);
    }

    /// <summary>Debug or Release: the AppHost's own build configuration (its bin/&lt;configuration&gt;/&lt;tfm&gt; folder).</summary>
    private static string BuildConfiguration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent?.Name ?? "Debug";
}
