using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Rollout.AppHost.Hosting;
using Rollout.Topology.Secrets;

namespace Rollout.AppHost.Tests.Stack;

/// <summary>
/// The Backup worker under the AppHost (`dotnet run` through Aspire.Hosting.Testing with the projects): resource
/// "backup" starts once the Provisioner completed, nothing waits for it, and its commands back up and restore-test
/// this estate's databases, or fail with the cause.
/// </summary>
public sealed class BackupResourceTests(BackupResourceTests.BackedUpEstate fixture) : IClassFixture<BackupResourceTests.BackedUpEstate>
{
    private EstateTestHost Estate => fixture.Estate;

    private ResourceCommandService Commands => Estate.App.Services.GetRequiredService<ResourceCommandService>();

    [Fact]
    public void The_worker_waits_for_the_provisioner_and_nothing_waits_for_the_worker()
    {
        var model = Estate.App.Services.GetRequiredService<DistributedApplicationModel>();
        var backup = model.Resources.Single(r => r.Name == BackupResourceExtensions.ResourceName);
        Assert.IsType<ProjectResource>(backup);
        Assert.Contains(backup.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "provisioner" && w.WaitType == WaitType.WaitForCompletion);
        Assert.DoesNotContain(model.Resources.SelectMany(r => r.Annotations.OfType<WaitAnnotation>()), w => w.Resource.Name == BackupResourceExtensions.ResourceName);
        Assert.Equal(KnownResourceStates.Running, fixture.WorkerState);
        Assert.True(fixture.WorkerLog.Contains("next: ", StringComparison.Ordinal), "the worker announces its next scheduled run:" + Environment.NewLine + fixture.WorkerLog);
    }

    [Fact]
    public async Task Backup_now_backs_up_every_database_and_list_shows_a_snapshot_per_database()
    {
        Assert.True(fixture.FirstBackup.Success, fixture.FirstBackup.Message);
        var databases = BackedUpDatabases();
        Assert.Contains($"{databases.Count} database(s) backed up.", fixture.FirstBackup.Message);

        var list = await fixture.BackupProgramAsync("list");
        Assert.True(list.ExitCode == 0, list.All);
        var rows = list.Output.Split('\n').Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length >= 5).ToList();
        foreach (var database in databases)
            Assert.True(rows.Any(f => f[2] == database && f[3] == "daily"), $"no daily snapshot of {database} in:{Environment.NewLine}{list.Output}");
    }

    [Fact]
    public async Task Restore_test_restores_every_database_green()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var result = await Commands.ExecuteCommandAsync(BackupResourceExtensions.ResourceName, BackupCommandExtensions.RestoreTest, timeout.Token);
        Assert.True(result.Success, result.Message);
        Assert.StartsWith("exit code 0: ", result.Message, StringComparison.Ordinal);
        Assert.Contains("): OK in ", result.Message);
    }

    [Fact]
    public async Task Without_the_repository_password_backup_now_fails_with_the_cause()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var key = await Estate.Secrets.GetAsync(BackupSecrets.RepositoryPassword, timeout.Token);
        Assert.NotNull(key);
        await Estate.Secrets.RemoveAsync(BackupSecrets.RepositoryPassword, timeout.Token);
        try
        {
            var result = await Commands.ExecuteCommandAsync(BackupResourceExtensions.ResourceName, BackupCommandExtensions.BackupNow, timeout.Token);
            Assert.False(result.Success, result.Message);
            Assert.StartsWith("exit code 1: ", result.Message, StringComparison.Ordinal);
            Assert.True(result.Message?.Contains("wrong password or no key found: it exists, but the password given does not open it", StringComparison.Ordinal) == true, result.Message);
            Assert.DoesNotContain(key.Reveal(), result.Message);
        }
        finally
        {
            await Estate.Secrets.SetAsync(BackupSecrets.RepositoryPassword, key, CancellationToken.None);
        }
        var list = await fixture.BackupProgramAsync("list");
        Assert.True(list.ExitCode == 0, "the repository opens again with its key: " + list.All);
    }

    [Fact]
    public async Task A_cancelled_backup_now_leaves_no_backup_program_running()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
        try
        {
            var result = await Commands.ExecuteCommandAsync(BackupResourceExtensions.ResourceName, BackupCommandExtensions.BackupNow, cancel.Token);
            Assert.False(result.Success && cancel.IsCancellationRequested, "a cancelled command must not report success: " + result.Message);
        }
        catch (OperationCanceledException)
        {
            // What a cancelled command may also do; the point is what it leaves behind.
        }
        var leftovers = BackupNowProcesses();
        for (var wait = 0; wait < 50 && leftovers.Count > 0; wait++)
        {
            await Task.Delay(100, CancellationToken.None);
            leftovers = BackupNowProcesses();
        }
        Assert.True(leftovers.Count == 0, "still running: " + string.Join(Environment.NewLine, leftovers));
    }

    /// <summary>Command lines of `Rollout.Backup run --tier daily` processes on this test's state directory.</summary>
    private List<string> BackupNowProcesses() =>
        Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "cmdline"))
            .Select(path =>
            {
                try
                {
                    return File.ReadAllText(path).Replace('\0', ' ');
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return "";
                }
            })
            .Where(line => line.Contains("Rollout.Backup.dll run --tier daily", StringComparison.Ordinal) && line.Contains(Estate.StateDirectory, StringComparison.Ordinal))
            .ToList();

    private List<string> BackedUpDatabases()
    {
        var servers = BackupSecrets.BackedUpServers(Estate.Estate, Estate.Runtime.Environment).Select(s => s.Name).ToHashSet();
        return Estate.Estate.EnabledDatabases(Estate.Runtime.Environment).Where(d => servers.Contains(d.ServerName)).Select(d => d.Name).ToList();
    }

    /// <summary>The estate with its projects, provisioned, the worker running, and one "backup-now" done.</summary>
    public sealed class BackedUpEstate : IAsyncLifetime
    {
        public EstateTestHost Estate { get; private set; } = null!;

        public ExecuteCommandResult FirstBackup { get; private set; } = null!;

        public string? WorkerState { get; private set; }

        public string WorkerLog { get; private set; } = "";

        public async Task InitializeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
            Estate = await EstateTestHost.StartAsync(new EstateTestOptions { RunProjects = true }, timeout.Token);
            var provisioner = await Estate.WaitForCompletionAsync("provisioner", timeout.Token);
            if (provisioner != 0)
                throw new InvalidOperationException($"provisioner exit code {provisioner}:{Environment.NewLine}{await Estate.ConsoleLogAsync("provisioner")}");
            var worker = await Estate.App.ResourceNotifications.WaitForResourceAsync(BackupResourceExtensions.ResourceName,
                e => e.Snapshot.State?.Text is "Running" or "Finished" or "Exited" or "FailedToStart", timeout.Token);
            WorkerState = worker.Snapshot.State?.Text;
            for (var wait = 0; wait < 100 && !(WorkerLog = await Estate.ConsoleLogAsync(BackupResourceExtensions.ResourceName)).Contains("next: ", StringComparison.Ordinal); wait++)
                await Task.Delay(100, timeout.Token);
            FirstBackup = await Estate.App.Services.GetRequiredService<ResourceCommandService>()
                .ExecuteCommandAsync(BackupResourceExtensions.ResourceName, BackupCommandExtensions.BackupNow, timeout.Token);
        }

        /// <summary>`Backup -- &lt;command&gt;` (the project's built program) against this estate.</summary>
        public Task<ProcessRunner.Result> BackupProgramAsync(string command)
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
            var root = Path.GetDirectoryName(Estate.Estate.SourcePath)!;
            var dll = Path.Combine(root, "Backup", "bin", configuration, "net10.0", "Rollout.Backup.dll");
            return ProcessRunner.RunAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
                [dll, command, "--env", "local", "--estate", Estate.Estate.SourcePath, "--state-dir", Estate.StateDirectory], workingDirectory: root);
        }

        public async Task DisposeAsync()
        {
            if (Estate is not null) await Estate.DisposeAsync();
        }
    }
}
