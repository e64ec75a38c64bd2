using System.Diagnostics;
using Rollout.AppHost.Hosting;
using Rollout.AppHost.Local;
using Rollout.AppHost.Local.Processes;
using Rollout.ServiceDefaults.Local;

namespace Rollout.AppHost.Tests.Lifecycle;

/// <summary>
/// The real AppHost program (the built Rollout.AppHost.dll) run as its own process, as `dotnet run`
/// would, on a temporary state directory and free ports; its output goes to a file the test reads.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private AppHostProcess(Process process, string stateDirectory, string outputPath)
    {
        Process = process;
        StateDirectory = stateDirectory;
        OutputPath = outputPath;
    }

    public Process Process { get; }

    public string StateDirectory { get; }

    public string OutputPath { get; }

    public string Output => File.Exists(OutputPath) ? File.ReadAllText(OutputPath) : "";

    public static string RepositoryRoot => Path.GetDirectoryName(new EstateOptions().ResolveEstatePath(AppContext.BaseDirectory))!;

    public static Task<AppHostProcess> StartAsync(string stateDirectory, params string[] extraArguments) =>
        StartAsync(stateDirectory, new Dictionary<string, string>(), extraArguments);

    public static async Task<AppHostProcess> StartAsync(string stateDirectory, IReadOnlyDictionary<string, string> environment, params string[] extraArguments)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        var dll = Path.Combine(RepositoryRoot, "AppHost", "bin", configuration, "net10.0", "Rollout.AppHost.dll");
        Assert.True(File.Exists(dll), $"{dll} missing: the test project builds the AppHost first.");
        var arguments = new List<string> { dll, "--state-dir", stateDirectory };
        if (!extraArguments.Contains("--with-projects")) arguments.Add("--no-projects");
        if (!extraArguments.Contains("--port"))
            foreach (var server in new[] { "plesk", "external-mariadb", "external-postgres", "redis" })
                arguments.AddRange(["--port", $"{server}={PortProbe.FindFree()}"]);
        // Tests run AppHosts side by side: Aspire's dashboard (fixed ports of the http launch profile) only for the tests that ask for it.
        if (!extraArguments.Contains("--with-dashboard")) arguments.Add("--no-dashboard");
        arguments.AddRange(extraArguments.Where(a => a is not "--with-projects" and not "--with-dashboard"));
        var output = Path.Combine(Path.GetTempPath(), $"rollout-apphost-test-{Guid.NewGuid():N}.out");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var process = await ChildProcessLauncher.StartAsync(new LaunchSpec(dotnet, arguments, output, null, Signal.Kill, RepositoryRoot, environment));
        return new AppHostProcess(process, stateDirectory, output);
    }

    /// <summary>
    /// Starts the AppHost and waits until it is healthy. A free port can be taken by another test between the probe
    /// and the server's bind; the AppHost then stops with the bind error, and this starts it again on new ports.
    /// </summary>
    public static async Task<AppHostProcess> StartHealthyAsync(string stateDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout,
        params string[] extraArguments)
    {
        for (var attempt = 1; ; attempt++)
        {
            var apphost = await StartAsync(stateDirectory, environment, extraArguments);
            try
            {
                await apphost.WaitUntilHealthyAsync(timeout);
                return apphost;
            }
            catch (Xunit.Sdk.XunitException) when (attempt < PortAttempts && apphost.Process.HasExited && apphost.Output.Contains("already in use", StringComparison.Ordinal))
            {
                await apphost.DisposeAsync();
            }
            catch
            {
                await apphost.DisposeAsync();
                throw;
            }
        }
    }

    private const int PortAttempts = 3;

    /// <summary>Waits for "All servers healthy" (or the process's exit, which fails the test with its output).</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(EstateProgressReporter.AllHealthyLine, StringComparison.Ordinal)) return;
            if (Process.HasExited) Assert.Fail($"AppHost exited with {Process.ExitCode} before it was healthy:{Environment.NewLine}{Output}");
            await Task.Delay(100);
        }
        Assert.Fail($"AppHost not healthy within {timeout}:{Environment.NewLine}{Output}");
    }

    public async Task<IReadOnlyList<int>> ServerPidsAsync()
    {
        var snapshot = await ResourceSnapshot.ReadAsync(StateDirectory, CancellationToken.None);
        return snapshot.Resources.Where(r => r.Kind != "Database" && r.Kind != "Project").Select(r => r.Pid).OfType<int>().ToList();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await Process.WaitForExitAsync(cancel.Token);
        return Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            ChildProcessLauncher.SendSignal(Process.Id, Signal.Terminate);
            try
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                Process.Kill();
            }
        }
        Process.Dispose();
        File.Delete(OutputPath);
    }
}
