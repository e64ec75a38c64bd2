using System.Diagnostics;

namespace Rollout.AppHost.Local;

/// <summary>
/// The quick start's promise: run as root on Debian, a missing server package is installed with
/// apt-get; otherwise the caller prints the exact command. Installs are serialised (dpkg has one lock)
/// and can be switched off with ROLLOUT_NO_INSTALL=1.
/// </summary>
internal static class PackageInstaller
{
    private static readonly Lock InstallLock = new();

    public static bool CanInstall =>
        Environment.UserName == "root" && File.Exists("/usr/bin/apt-get") && Environment.GetEnvironmentVariable("ROLLOUT_NO_INSTALL") != "1";

    /// <summary>Installs <paramref name="package"/> unless <paramref name="program"/> appeared meanwhile; true when it exists afterwards.</summary>
    public static bool TryInstall(string package, string program)
    {
        if (!CanInstall) return false;
        lock (InstallLock)
        {
            if (File.Exists(program)) return true;
            Console.Error.WriteLine($"Installing the Debian package {package} (running as root) …");
            // Another installer (a monitoring resource's, an operator's) may hold dpkg's lock for a while: wait for it.
            if (Run("apt-get", "install", "-y", "-q", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", package) != 0)
            {
                // A fresh machine has no package lists yet.
                Run("apt-get", "update", "-q", "-o", "DPkg::Lock::Timeout=300");
                Run("apt-get", "install", "-y", "-q", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", package);
            }
            return File.Exists(program);
        }
    }

    private static int Run(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        return process.ExitCode;
    }
}
