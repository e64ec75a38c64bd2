using System.Diagnostics;

namespace Rollout.Provisioner.Secrets.DotEnv;

/// <summary>
/// Refuses a secret file inside a git work tree unless git ignores it, so a .env file is never one
/// `git add .` away from a commit. Asks git itself (`git check-ignore`), which knows every ignore rule.
/// </summary>
public static class GitIgnoreGuard
{
    public static async Task EnsureSafeAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var existing = directory;
        while (!Directory.Exists(existing)) existing = Path.GetDirectoryName(existing)!;

        var (topCode, topLevel, topError) = await GitAsync(existing, ["rev-parse", "--show-toplevel"], cancellationToken);
        if (topCode != 0)
        {
            if (topError.Contains("not a git repository", StringComparison.OrdinalIgnoreCase)) return;
            throw new InvalidOperationException($"Cannot tell whether {full} is inside a git work tree (git rev-parse failed: {topError.Trim()}). Nothing was written.");
        }
        var (ignoreCode, _, ignoreError) = await GitAsync(existing, ["check-ignore", "-q", "--", full], cancellationToken);
        if (ignoreCode == 0) return;
        if (ignoreCode == 1)
            throw new InvalidOperationException(
                $"Refusing to write {full}: it is inside the git work tree {topLevel.Trim()} and not git-ignored, so its secrets could be committed. " +
                "Add the file to .gitignore (rollout's .gitignore ignores .env and .env.*) or write it outside the work tree. Nothing was written.");
        throw new InvalidOperationException($"Cannot tell whether {full} is git-ignored (git check-ignore failed: {ignoreError.Trim()}). Nothing was written.");
    }

    private static async Task<(int Code, string Output, string Error)> GitAsync(string workingDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start git: install git (apt-get install git) to write secret files.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
