using System.Diagnostics;
using Rollout.Backup.Tests.Infrastructure;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

namespace Rollout.Backup.Tests;

/// <summary>Each fault of issue 10 made to happen on the real servers: a clear error, a non-zero exit, nothing good lost or faked.</summary>
[Collection(BackupCollection.Name)]
public sealed class FaultTests(BackupStack stack)
{
    [Fact]
    public async Task Wrong_credentials_name_the_account_and_store_nothing()
    {
        var state = stack.CopyStateDirectory();
        var wrong = new Secret("wrong-password-" + Guid.NewGuid().ToString("N"));
        await LocalSecretStore.InStateDirectory(state).SetAsync("EXTERNAL_MARIADB_BACKUP_PASS", wrong, default);

        var run = await stack.BackupInAsync(state, null, "run", "--database", SeedData.MariaDbDatabase);

        Assert.Equal(1, run.Exit);
        Assert.Contains("FAILED", run.Error);
        Assert.Contains("login as 'rollout_backup' was refused (wrong user or password)", run.Error);
        Assert.DoesNotContain(wrong.Reveal(), run.All);
        Assert.DoesNotContain(await Repositories.SnapshotsAsync(stack, state), s => s.IsGood);
    }

    [Theory]
    [InlineData("mo_nope", "--database mo_nope: no such database in environment 'local'")]
    [InlineData("mo_main", "--database mo_main: it is on server 'plesk', which Rollout never alters")]
    public async Task An_unknown_or_unmanaged_database_is_invalid_input_and_nothing_is_done(string database, string message)
    {
        var state = stack.CopyStateDirectory();
        var run = await stack.BackupInAsync(state, null, "run", "--database", database);
        Assert.Equal(3, run.Exit);
        Assert.Contains(message, run.Error);
        Assert.False(Directory.Exists(Path.Combine(state, "backup", "repository")));
    }

    [Fact]
    public async Task An_unknown_tier_is_invalid_input()
    {
        var run = await stack.BackupInAsync(stack.CopyStateDirectory(), null, "run", "--tier", "hourly");
        Assert.Equal(3, run.Exit);
        Assert.Contains("--tier hourly: no such schedule in backup.schedules", run.Error);
    }

    [Fact]
    public async Task A_full_disk_fails_the_backup_and_leaves_no_good_snapshot()
    {
        var state = stack.CopyStateDirectory();
        var repository = Path.Combine(state, "backup", "repository");
        Directory.CreateDirectory(repository);
        await RequireAsync("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", repository);
        try
        {
            var run = await stack.BackupInAsync(state, null, "run", "--database", SeedData.BulkDatabase);
            Assert.Equal(1, run.Exit);
            Assert.Contains($"database {SeedData.BulkDatabase}: restic backup into {repository} failed", run.Error);
            Assert.Contains("no space left on device", run.Error);
            Assert.Contains("nothing was stored as a backup", run.Error);
            Assert.DoesNotContain(await Repositories.SnapshotsAsync(stack, state), s => s.IsGood);
        }
        finally
        {
            await RequireAsync("umount", "--lazy", repository);
        }
    }

    [Fact]
    public async Task A_dump_killed_half_way_is_removed_and_never_counts()
    {
        var state = stack.CopyStateDirectory();
        var running = stack.BackupInAsync(state, null, "run", "--database", SeedData.BulkDatabase);
        var killed = await KillChildAsync("mariadb-dump", running);
        Assert.True(killed, "mariadb-dump was not seen running: the dump finished before it could be killed");

        var run = await running;
        Assert.Equal(1, run.Exit);
        Assert.True(run.Error.Contains($"database {SeedData.BulkDatabase}: mariadb-dump exited with code", StringComparison.Ordinal), run.Error);
        Assert.Contains("the dump does not count as a backup", run.Error);
        var snapshots = await Repositories.SnapshotsAsync(stack, state);
        Assert.DoesNotContain(snapshots, s => s.IsGood);
        Assert.DoesNotContain(snapshots, s => s.IsDump);
        Assert.Contains("0 good backup(s)", (await stack.BackupInAsync(state, null, "list")).Output);
    }

    [Fact]
    public async Task One_corrupted_byte_in_a_pack_file_fails_verify()
    {
        var state = stack.CopyStateDirectory();
        Assert.Equal(0, (await stack.BackupInAsync(state, null, "run", "--database", SeedData.MariaDbDatabase)).Exit);
        var clean = await stack.BackupInAsync(state, null, "verify");
        Assert.True(clean.Exit == 0, clean.All);

        var pack = Directory.GetFiles(Path.Combine(state, "backup", "repository", "data"), "*", SearchOption.AllDirectories).MaxBy(f => new FileInfo(f).Length)!;
        File.SetUnixFileMode(pack, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using (var stream = new FileStream(pack, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length / 2;
            var original = stream.ReadByte();
            stream.Position = stream.Length / 2;
            stream.WriteByte((byte)(original ^ 0x01));
        }

        var verify = await stack.BackupInAsync(state, null, "verify");
        Assert.Equal(1, verify.Exit);
        Assert.Contains("restic check --read-data failed", verify.Error);
        Assert.Contains("verify: 1 problem(s)", verify.Output);
    }

    [Fact]
    public async Task An_unreachable_offsite_target_fails_the_run_but_the_local_backup_stays_good()
    {
        var state = stack.CopyStateDirectory();
        var port = FreePort();
        var variables = new Dictionary<string, string>
        {
            ["BACKUP_OFFSITE_REPOSITORY"] = "sftp:backup@127.0.0.1:/offsite",
            ["BACKUP_OFFSITE_SFTP_COMMAND"] = $"ssh -p {port} -o ConnectTimeout=3 -o BatchMode=yes backup@127.0.0.1 -s sftp",
        };
        var run = await stack.BackupInAsync(state, variables, "run", "--tier", "monthly", "--database", SeedData.MariaDbDatabase);
        Assert.Equal(1, run.Exit);
        Assert.Contains("backed up mo_crm (monthly)", run.Output);
        Assert.Contains("offsite copy failed, the local backups stay good: repository sftp:backup@127.0.0.1:/offsite", run.Error);
        Assert.Contains(await Repositories.SnapshotsAsync(stack, state), s => s.IsGood && s.Database == SeedData.MariaDbDatabase && s.Tier == "monthly");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills the first process of that name whose parent is this test process (the CLI runs in-process) as soon as it appears.</summary>
    private static async Task<bool> KillChildAsync(string name, Task running)
    {
        var self = Environment.ProcessId;
        while (!running.IsCompleted)
        {
            foreach (var process in Process.GetProcessesByName(name))
            {
                var stat = await File.ReadAllTextAsync($"/proc/{process.Id}/stat");
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                // The dump itself, not the `--version` probe that runs before it.
                if (parent != self || !(await File.ReadAllTextAsync($"/proc/{process.Id}/cmdline")).Contains("--single-transaction", StringComparison.Ordinal)) continue;
                // Let it stream a part of the 20 MB table (it needs far longer for all of it), freeze it, then kill it.
                await Task.Delay(30);
                if (Kill(process.Id, SignalStop) != 0) return false;
                await Task.Delay(200);
                return Kill(process.Id, SignalKill) == 0;
            }
            await Task.Delay(2);
        }
        return false;
    }

    private const int SignalKill = 9;
    private const int SignalStop = 19;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static async Task RequireAsync(string program, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments);
        if (result.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {result.Error}");
    }
}
