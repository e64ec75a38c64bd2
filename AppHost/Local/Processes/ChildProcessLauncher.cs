using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Rollout.AppHost.Local.Processes;

/// <summary>
/// Starts every child process of the AppHost so that none outlives it, even when the AppHost is
/// SIGKILLed: each child gets PR_SET_PDEATHSIG through `setpriv --pdeathsig` (set after setpriv
/// changes the user, so the uid change does not clear it). The kernel ties that signal to the
/// *thread* that forked the child, so all children are forked from one dedicated thread that lives
/// as long as the process; a thread-pool thread would retire and take the servers with it.
/// Output goes straight to the log file through a `sh` redirection (no pipe that could fill up or
/// break when the AppHost goes away).
/// </summary>
public static partial class ChildProcessLauncher
{
    private const string Setpriv = "/usr/bin/setpriv";
    private static readonly BlockingCollection<Action> Work = [];
    private static readonly Lazy<Thread> Forker = new(() =>
    {
        var thread = new Thread(() =>
        {
            foreach (var item in Work.GetConsumingEnumerable()) item();
        })
        { IsBackground = true, Name = "rollout-child-forker" };
        thread.Start();
        return thread;
    });

    /// <summary>Starts the program; the returned process's Id is the program's own pid (sh and setpriv exec into it).</summary>
    public static Task<Process> StartAsync(LaunchSpec spec)
    {
        if (!File.Exists(Setpriv))
            throw new LocalServerException($"{Setpriv} not found: it comes with the Debian package util-linux (`sudo apt-get install -y util-linux`).");
        Directory.CreateDirectory(Path.GetDirectoryName(spec.LogPath)!);
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? "/",
        };
        // sh opens the log and the input (as the AppHost's user), then execs setpriv, which execs the program.
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("log=$1; in=$2; shift 2; exec \"$@\" >>\"$log\" 2>&1 <\"$in\"");
        startInfo.ArgumentList.Add("sh");
        startInfo.ArgumentList.Add(spec.LogPath);
        startInfo.ArgumentList.Add(spec.StandardInputPath ?? "/dev/null");
        startInfo.ArgumentList.Add(Setpriv);
        if (spec.Account is not null)
            foreach (var argument in spec.Account.SetprivArguments()) startInfo.ArgumentList.Add(argument);
        startInfo.ArgumentList.Add($"--pdeathsig={SignalName(spec.DeathSignal)}");
        startInfo.ArgumentList.Add("--");
        startInfo.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments) startInfo.ArgumentList.Add(argument);
        if (spec.Environment is not null)
            foreach (var (name, value) in spec.Environment) startInfo.Environment[name] = value;

        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Forker.Value;
        Work.Add(() =>
        {
            try
            {
                started.SetResult(Process.Start(startInfo) ?? throw new LocalServerException($"Could not start {spec.Display}."));
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        });
        return started.Task;
    }

    /// <summary>Runs a one-shot program (mariadb-install-db, initdb) to completion; a non-zero exit throws with the log tail.</summary>
    public static async Task RunToCompletionAsync(LaunchSpec spec, string what, CancellationToken cancellationToken)
    {
        using var process = await StartAsync(spec);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            SendSignal(process.Id, Signal.Kill);
            throw;
        }
        if (process.ExitCode != 0)
            throw new LocalServerException($"{what} failed (exit code {process.ExitCode}): {spec.Display}{Environment.NewLine}{LogTail.Read(spec.LogPath, lines: 40)}");
    }

    private static string SignalName(Signal signal) => signal switch
    {
        Signal.Interrupt => "INT",
        Signal.Quit => "QUIT",
        Signal.Kill => "KILL",
        _ => "TERM",
    };

    /// <summary>Sends a signal; false when the process no longer exists.</summary>
    public static bool SendSignal(int pid, Signal signal) => Kill(pid, (int)signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
