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
            .WithCommand(Apply, "Apply", context => ProjectProgramRunner.RunAsync(provisioner.Resource, [Apply, .. LocalArguments(estate)], context.CancellationToken),
                new CommandOptions
                {
                    Description = "Create what rollout.yaml declares and the servers lack (databases, users, grants).",
                    ConfirmationMessage = "Apply rollout.yaml to the local servers?",
                    IconName = "Play",
                    IsHighlighted = true,
                })
            .WithCommand(Plan, "Plan (drift)", context => ProjectProgramRunner.RunAsync(provisioner.Resource, [Plan, .. LocalArguments(estate)], context.CancellationToken),
                new CommandOptions { Description = "What apply would change; exit 2 when changes are pending.", IconName = "DocumentSearch" });

    public static IResourceBuilder<ProjectResource> WithSmokeCommand(this IResourceBuilder<ProjectResource> smokeRunner, EstateResources estate) =>
        smokeRunner.WithCommand(Smoke, "Smoke", context => ProjectProgramRunner.RunAsync(smokeRunner.Resource, LocalArguments(estate), context.CancellationToken),
            new CommandOptions { Description = "Run the acceptance checks against the local estate.", IconName = "Checkmark", IsHighlighted = true });

    private static string[] LocalArguments(EstateResources estate) =>
        ["--env", estate.Runtime!.Environment.Name, "--estate", estate.EstatePath, "--state-dir", estate.Runtime.Layout.Root];
}
