using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// The backup's resource commands (dashboard buttons, `aspire resource backup backup-now`, the MCP tool
/// execute_resource_command): "backup-now" backs up every database (tier daily) at once, "restore-test" restores each
/// database's newest backup into a throw-away database and compares it with its manifest. Each runs the Backup
/// project's built program against this estate and answers with its exit code and last lines.
/// </summary>
public static class BackupCommandExtensions
{
    public const string BackupNow = "backup-now";
    public const string RestoreTest = "restore-test";

    public static IResourceBuilder<ProjectResource> WithBackupCommands(this IResourceBuilder<ProjectResource> backup, EstateResources estate) =>
        backup
            .WithCommand(BackupNow, "Backup now",
                context => ProjectProgramRunner.RunAsync(backup.Resource, ["run", "--tier", "daily", .. LocalArguments(estate)], context.CancellationToken),
                new CommandOptions
                {
                    Description = "Back up every database now (tier daily) into the local restic repository.",
                    IconName = "Save",
                    IsHighlighted = true,
                })
            .WithCommand(RestoreTest, "Restore test",
                context => ProjectProgramRunner.RunAsync(backup.Resource, [RestoreTest, .. LocalArguments(estate)], context.CancellationToken),
                new CommandOptions
                {
                    Description = "Restore each database's newest backup into a throw-away database and compare it with its manifest.",
                    IconName = "ArrowCounterclockwise",
                });

    private static string[] LocalArguments(EstateResources estate) =>
        ["--env", estate.Runtime!.Environment.Name, "--estate", estate.EstatePath, "--state-dir", estate.Runtime.Layout.Root];
}
