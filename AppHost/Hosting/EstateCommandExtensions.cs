using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// Estate actions as Aspire resource commands (dashboard buttons, `aspire resource &lt;resource&gt; &lt;command&gt;`, and the MCP
/// tool execute_resource_command): "apply" and "plan" (drift) on the provisioner, "smoke" on the smokerunner. Each runs
/// the project's built program once more against this estate and answers with its exit code and last lines.
/// </summary>
public static class EstateCommandExtensions
{
    public const string Apply = "apply";
    public const string Plan = "plan";
    public const string Smoke = "smoke";

    public static IResourceBuilder<ProjectResource> WithProvisionerCommands(this IResourceBuilder<ProjectResource> provisioner, EstateResources estate) =>
        provisioner
            .WithCommand(Apply, "Apply", context => RunAsync(provisioner.Resource, [Apply, .. LocalArguments(estate)], context.CancellationToken),
                new CommandOptions
                {
                    Description = "Create what rollout.yaml declares and the servers lack (databases, users, grants).",
                    ConfirmationMessage = "Apply rollout.yaml to the local servers?",
                    IconName = "Play",
                    IsHighlighted = true,
                })
            .WithCommand(Plan, "Plan (drift)", context => RunAsync(provisioner.Resource, [Plan, .. LocalArguments(estate)], context.CancellationToken),
                new CommandOptions { Description = "What apply would change; exit 2 when changes are pending.", IconName = "DocumentSearch" });

    public static IResourceBuilder<ProjectResource> WithSmokeCommand(this IResourceBuilder<ProjectResource> smokeRunner, EstateResources estate) =>
        smokeRunner.WithCommand(Smoke, "Smoke", context => RunAsync(smokeRunner.Resource, LocalArguments(estate), context.CancellationToken),
            new CommandOptions { Description = "Run the acceptance checks against the local estate.", IconName = "Checkmark", IsHighlighted = true });

    private static string[] LocalArguments(EstateResources estate) =>
        ["--env", estate.Runtime!.Environment.Name, "--estate", estate.EstatePath, "--state-dir", estate.Runtime.Layout.Root];

    /// <summary>Runs the project's built program (the same build Aspire runs) with <paramref name="arguments"/>; its output is already redacted by the program.</summary>
    private static async Task<ExecuteCommandResult> RunAsync(ProjectResource project, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
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
        await process.WaitForExitAsync(cancellationToken);
        var lines = ((await output) + (await error)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var summary = $"exit code {process.ExitCode}: {string.Join(" | ", lines.TakeLast(6))}";
        return process.ExitCode == 0 ? CommandResults.Success(summary) : CommandResults.Failure(summary);
    }

    /// <summary>Debug or Release: the AppHost's own build configuration (its bin/&lt;configuration&gt;/&lt;tfm&gt; folder).</summary>
    private static string BuildConfiguration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent?.Name ?? "Debug";
}
