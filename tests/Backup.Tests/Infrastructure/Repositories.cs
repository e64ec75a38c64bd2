using Rollout.Backup.Cli;
using Rollout.Backup.Repository;

namespace Rollout.Backup.Tests.Infrastructure;

/// <summary>The repository of a state directory as the Backup CLI opens it, for the tests' own look with restic.</summary>
public static class Repositories
{
    public static async Task<BackupContext> ContextAsync(BackupStack stack, string stateDirectory, IDictionary<string, string>? variables = null) =>
        await BackupContext.LoadAsync(new CommonValues("local", stack.Estate.SourcePath, stateDirectory),
            new CommandIo(TextWriter.Null, TextWriter.Null, name => variables is not null && variables.TryGetValue(name, out var v) ? v : null, "/"), default);

    public static async Task<IReadOnlyList<Snapshot>> SnapshotsAsync(BackupStack stack, string stateDirectory) =>
        await (await ContextAsync(stack, stateDirectory)).Repository.SnapshotsAsync(default);
}
