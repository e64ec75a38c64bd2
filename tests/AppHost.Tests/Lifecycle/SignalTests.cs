using System.Diagnostics;
using Rollout.AppHost.Hosting;
using Rollout.AppHost.Local;
using Rollout.AppHost.Local.Processes;
using Rollout.ServiceDefaults.Local;

namespace Rollout.AppHost.Tests.Lifecycle;

/// <summary>
/// Issue 14 item 2: a terminal's Ctrl+C or a supervisor signals the AppHost's whole process group. The AppHost runs in
/// its own session (setsid), the signal goes to the group (kill -SIG -- -pgid), at each phase; everything must be gone
/// within seconds.
/// </summary>
public sealed class SignalTests
{
    public enum Phase { Starting, ProjectsRunning, Idle }

    [Theory]
    [InlineData(Phase.Starting, Signal.Interrupt)]
    [InlineData(Phase.ProjectsRunning, Signal.Interrupt)]
    [InlineData(Phase.Idle, Signal.Interrupt)]
    [InlineData(Phase.ProjectsRunning, Signal.Terminate)]
    [InlineData(Phase.Idle, Signal.Hangup)]
    public async Task A_signal_to_the_process_group_stops_everything_within_seconds(Phase phase, Signal signal)
    {
        using var state = new TemporaryDirectory();
        var output = Path.Combine(state.Path, "apphost.out");
        var ports = new[] { "plesk", "external-mariadb", "external-postgres", "redis" }.SelectMany(s => new[] { "--port", $"{s}={PortProbe.FindFree()}" });
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        var dll = Path.Combine(AppHostProcess.RepositoryRoot, "AppHost", "bin", configuration, "net10.0", "Rollout.AppHost.dll");
        var start = new ProcessStartInfo("setsid") { WorkingDirectory = AppHostProcess.RepositoryRoot };
        // setsid execs sh (a new session and process group whose id is this pid), sh execs the AppHost with its output in a file.
        // env resets every signal to its default first: a test host started in the background of a script inherits SIGINT
        // ignored (POSIX), and the AppHost would inherit that too, as any program does.
        foreach (var argument in new[] { "env", "--default-signal", "sh", "-c", "out=$1; shift; exec \"$@\" >\"$out\" 2>&1 </dev/null", "sh", output,
                     Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", dll, "--state-dir", state.Path, "--no-dashboard" })
            start.ArgumentList.Add(argument);
        foreach (var argument in ports) start.ArgumentList.Add(argument);
        if (phase != Phase.ProjectsRunning) start.ArgumentList.Add("--no-projects");
        using var apphost = Process.Start(start)!;
        string Output() => File.Exists(output) ? File.ReadAllText(output) : "";
        try
        {
            // Aspire's notifications may coalesce "Starting" into "Running": a server line without "(healthy)" is the
            // starting phase either way (the TLS login health check takes far longer than one poll).
            var awaited = phase switch
            {
                Phase.Starting => new[] { "plesk: Starting", "plesk: Running" },
                Phase.ProjectsRunning => ["smokerunner: Running"],
                _ => [EstateProgressReporter.AllHealthyLine],
            };
            bool Seen() => Output().Split('\n').Any(line => awaited.Any(a => line.TrimEnd() == a || (a == EstateProgressReporter.AllHealthyLine && line.StartsWith(a, StringComparison.Ordinal))));
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!Seen())
            {
                Assert.True(DateTime.UtcNow < deadline && !apphost.HasExited, $"never saw '{string.Join("' or '", awaited)}':{Environment.NewLine}{Output()}");
                await Task.Delay(50);
            }
            var started = ProcessScan.WithDescendants([.. await ServerPidsAsync(state.Path), .. ProjectPids(state.Path)]);

            Assert.True(ChildProcessLauncher.SendSignal(-apphost.Id, signal), "the process group is gone before the signal");

            using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
                await apphost.WaitForExitAsync(exit.Token);
            var alive = await ProcessScan.StillAliveAfterAsync([.. started, .. ProjectPids(state.Path)], TimeSpan.FromSeconds(15));
            Assert.True(alive.Count == 0, $"still running after {signal} in phase {phase}: {ProcessScan.Describe(alive)}{Environment.NewLine}{Output()}");
        }
        finally
        {
            if (!apphost.HasExited) ChildProcessLauncher.SendSignal(-apphost.Id, Signal.Kill);
        }
    }

    private static async Task<IReadOnlyList<int>> ServerPidsAsync(string stateDirectory)
    {
        if (!File.Exists(Path.Combine(stateDirectory, ResourceSnapshot.FileName))) return [];
        var snapshot = await ResourceSnapshot.ReadAsync(stateDirectory, CancellationToken.None);
        return snapshot.Resources.Select(r => r.Pid).OfType<int>().ToList();
    }

    /// <summary>The Provisioner and SmokeRunner processes working on this test's state directory.</summary>
    private static IEnumerable<int> ProjectPids(string stateDirectory) =>
        Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0).Where(pid => pid > 0)
            .Where(pid =>
            {
                try
                {
                    return File.ReadAllText($"/proc/{pid}/cmdline").Contains(stateDirectory, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            });
}
