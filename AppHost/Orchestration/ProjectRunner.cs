using System.Diagnostics;
using Rollout.AppHost.Local;
using Rollout.AppHost.Local.Processes;
using Rollout.AppHost.Model;

namespace Rollout.AppHost.Orchestration;

/// <summary>
/// Runs one project resource: waits (Waiting) until every WaitFor resource is Running and every
/// WaitForCompletion resource Finished, then runs its built dll with `dotnet`, the references'
/// connection info in its environment. Exit 0 → Finished; otherwise Exited. A project whose
/// Program still says "not yet implemented" is shown NotStarted (skipped) instead.
/// </summary>
public sealed class ProjectRunner
{
    public const string NotYetImplemented = "not yet implemented";
    private readonly ProjectResource _project;
    private readonly ResourceStatusBoard _board;
    private readonly string _repositoryRoot;
    private readonly LocalServerContext _context;
    private Process? _process;

    private ProjectRunner(ProjectResource project, ResourceStatusBoard board, string repositoryRoot, LocalServerContext context)
    {
        _project = project;
        _board = board;
        _repositoryRoot = repositoryRoot;
        _context = context;
    }

    public Task Completion { get; private set; } = Task.CompletedTask;

    public static ProjectRunner Start(ProjectResource project, ResourceStatusBoard board, string repositoryRoot, LocalServerContext context, CancellationToken cancellationToken)
    {
        var runner = new ProjectRunner(project, board, repositoryRoot, context);
        runner.Completion = runner.RunAsync(cancellationToken);
        return runner;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _board.UpdateAsync(_project, ResourceStates.Waiting, cancellationToken: cancellationToken);
            if (await WaitForDependenciesAsync(cancellationToken) is { } blocked)
            {
                await _board.UpdateAsync(_project, ResourceStates.FailedToStart, detail: blocked, cancellationToken: cancellationToken);
                return;
            }
            var assembly = AssemblyPath();
            if (!File.Exists(assembly))
            {
                await _board.UpdateAsync(_project, ResourceStates.FailedToStart,
                    detail: $"{assembly} not found: build it with `dotnet build {_project.ProjectPath}`", cancellationToken: cancellationToken);
                return;
            }
            var environment = new Dictionary<string, string>(_project.Environment)
            {
                ["ROLLOUT_STATE_DIR"] = _context.Layout.Root,
                ["ROLLOUT_ENVIRONMENT"] = "local",
            };
            foreach (var (name, expression) in _project.ReferenceEnvironment())
                environment[name] = await expression.GetValueAsync(cancellationToken) ?? "";
            await _board.UpdateAsync(_project, ResourceStates.Starting, cancellationToken: cancellationToken);
            var log = _context.Layout.Log(_project.Name);
            var logStart = File.Exists(log) ? new FileInfo(log).Length : 0;
            _process = await ChildProcessLauncher.StartAsync(new LaunchSpec(DotnetHost(), [assembly, .. _project.Args], log, null,
                Signal.Terminate, _repositoryRoot, environment));
            await _board.UpdateAsync(_project, ResourceStates.Running, pid: _process.Id, cancellationToken: cancellationToken);
            await _process.WaitForExitAsync(cancellationToken);
            var code = _process.ExitCode;
            if (code == 0)
                await _board.UpdateAsync(_project, ResourceStates.Finished, pid: null, detail: "exit code 0", cancellationToken: cancellationToken);
            else if (code != 0 && ReadFrom(log, logStart).Contains(NotYetImplemented, StringComparison.OrdinalIgnoreCase))
                await _board.UpdateAsync(_project, ResourceStates.NotStarted, pid: null, detail: "skipped: " + NotYetImplemented, cancellationToken: cancellationToken);
            else
                await _board.UpdateAsync(_project, ResourceStates.Exited, pid: null, detail: $"exit code {code}; see {log}", cancellationToken: cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Null when every dependency is ready; otherwise why this project can never start.</summary>
    private async Task<string?> WaitForDependenciesAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            foreach (var dependency in _project.WaitsForCompletion)
            {
                var status = _board[dependency.Name];
                // NotStarted with a detail is a skipped project: it will never finish.
                if (status.State is ResourceStates.FailedToStart or ResourceStates.Exited
                    || (status.State == ResourceStates.NotStarted && status.Detail is not null))
                    return $"waits for completion of '{dependency.Name}', which is {status.State} ({status.Detail})";
            }
            foreach (var dependency in _project.WaitsFor)
                if (_board[dependency.Name].State is ResourceStates.FailedToStart or ResourceStates.Exited)
                    return $"waits for '{dependency.Name}', which is {_board[dependency.Name].State}";
            var ready = _project.WaitsFor.All(d => _board[d.Name].State is ResourceStates.Running or ResourceStates.Finished)
                && _project.WaitsForCompletion.All(d => _board[d.Name].State == ResourceStates.Finished);
            if (ready) return null;
            await Task.Delay(100, cancellationToken);
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            await _board.UpdateAsync(_project, ResourceStates.Stopping);
            ChildProcessLauncher.SendSignal(process.Id, Signal.Terminate);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
            await _board.UpdateAsync(_project, ResourceStates.Exited, pid: null);
        }
        try
        {
            await Completion;
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>bin/&lt;configuration&gt;/&lt;tfm&gt;/&lt;Name&gt;.dll of the project, in the same configuration as this AppHost.</summary>
    private string AssemblyPath()
    {
        var projectFile = Path.GetFullPath(Path.Combine(_repositoryRoot, _project.ProjectPath));
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var framework = baseDirectory.Name;
        var configuration = baseDirectory.Parent?.Name ?? "Debug";
        return Path.Combine(Path.GetDirectoryName(projectFile)!, "bin", configuration, framework, Path.GetFileNameWithoutExtension(projectFile) + ".dll");
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == "dotnet") return self;
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            if (File.Exists(Path.Combine(directory, "dotnet"))) return Path.Combine(directory, "dotnet");
        return "/usr/bin/dotnet";
    }

    private static string ReadFrom(string path, long offset)
    {
        if (!File.Exists(path)) return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        return new StreamReader(stream).ReadToEnd();
    }
}
