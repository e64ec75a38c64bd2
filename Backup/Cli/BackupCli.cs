using System.CommandLine;

namespace Rollout.Backup.Cli;

/// <summary>The command tree; tests build it with their own CommandIo, exactly as Program.cs does.</summary>
public static class BackupCli
{
    public static RootCommand Create(CommandIo io, TimeProvider? clock = null)
    {
        var root = new RootCommand("Rollout Backup: encrypted, deduplicated backups of the estate's databases in restic, retention, offsite copies and proven restores.");
        root.Add(RunCommand.Create(io));
        root.Add(ListCommand.Create(io));
        root.Add(VerifyCommand.Create(io));
        root.Add(PruneCommand.Create(io, clock));
        root.Add(RestoreCommands.Restore(io));
        root.Add(RestoreCommands.RestoreTest(io));
        root.Add(WorkerCommand.Create(io));
        root.Add(SecretsCommand.Create(io));
        return root;
    }
}
