using Rollout.Backup.Repository;
using Rollout.Backup.Tests.Infrastructure;

namespace Rollout.Backup.Tests;

/// <summary>The offsite tier copied to a second repository on a real sftp server in its own network namespace, and checked there.</summary>
[Collection(BackupCollection.Name)]
public sealed class OffsiteTests(BackupStack stack)
{
    [Fact]
    public async Task A_monthly_backup_is_copied_offsite_over_sftp_and_checked_there()
    {
        await using var server = await SftpServer.StartAsync(stack.BaseDirectory);
        var state = stack.CopyStateDirectory();

        var run = await stack.BackupInAsync(state, server.Variables, "run", "--tier", "monthly", "--database", SeedData.PostgreSqlDatabase);

        Assert.True(run.Exit == 0, run.All);
        Assert.Contains($"copied 1 backup(s) offsite to sftp:root@{server.Address}:", run.Output);
        var offsite = await (await Repositories.ContextAsync(stack, state, server.Variables)).Offsite();
        var copied = await offsite.SnapshotsAsync(default);
        Assert.Contains(copied, s => s.IsDump && s.IsGood && s.Database == SeedData.PostgreSqlDatabase && s.Tier == "monthly");
        Assert.Contains(copied, s => s.IsManifest && s.Database == SeedData.PostgreSqlDatabase);
        Assert.True((await offsite.CheckAsync(readData: true, default)).Succeeded);
        // Encrypted at rest: no file on the offsite server shows a name the dump's plain-text table of contents holds.
        var files = Directory.GetFiles(server.RepositoryPath, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        Assert.DoesNotContain(files, f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f)).Contains("rich_accounts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_daily_backup_is_not_copied_offsite()
    {
        var state = stack.CopyStateDirectory();
        var variables = new Dictionary<string, string> { ["BACKUP_OFFSITE_REPOSITORY"] = Path.Combine(state, "never-offsite") };
        var run = await stack.BackupInAsync(state, variables, "run", "--tier", "daily", "--database", SeedData.MariaDbDatabase);
        Assert.True(run.Exit == 0, run.All);
        Assert.DoesNotContain("offsite", run.Output);
        Assert.False(Directory.Exists(Path.Combine(state, "never-offsite")));
    }
}
