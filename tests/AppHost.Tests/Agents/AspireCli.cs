using Rollout.AppHost.Tests.Lifecycle;
namespace Rollout.AppHost.Tests.Agents;

/// <summary>
/// The real Aspire CLI (the dotnet tool Aspire.Cli 13.6.5 that .ci/run installs) run against one AppHost. The AppHost
/// announces itself on a unix socket in &lt;HOME&gt;/.aspire/cli/bch named by a hash of its project path, and the CLI looks
/// there; tests run several AppHosts of the same project side by side, so this AppHost and its CLI share a home of
/// their own and the CLI cannot reach another test's AppHost.
/// </summary>
internal sealed class AspireCli(string home)
{
    public const string Install = "dotnet tool install -g Aspire.Cli --version 13.6.5";

    public string Home { get; } = home;

    public static string AppHostProject => Path.Combine(AppHostProcess.RepositoryRoot, "AppHost", "Rollout.AppHost.csproj");

    /// <summary>`aspire` on PATH, else where `dotnet tool install -g` puts it (a CI shell may not have ~/.dotnet/tools on PATH).</summary>
    public static string Executable =>
        ProcessRunner.Resolve("aspire")
        ?? new[] { Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "aspire") }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"The Aspire CLI is not installed: run `{Install}` (.ci/run does).");

    /// <summary>The environment the AppHost and the CLI share: the own home (the CLI's plain output, no colours).</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["HOME"] = Home,
        ["NO_COLOR"] = "1",
        ["ASPIRE_CLI_TELEMETRY_OPTOUT"] = "true",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    /// <summary>`aspire resource &lt;resource&gt; &lt;command&gt; --apphost AppHost/Rollout.AppHost.csproj --non-interactive`, as a script runs it.</summary>
    public Task<ProcessRunner.Result> ResourceCommandAsync(string resource, string command) =>
        ProcessRunner.RunAsync(Executable, ["resource", resource, command, "--apphost", AppHostProject, "--non-interactive", "--nologo"],
            Environment, AppHostProcess.RepositoryRoot, TimeSpan.FromMinutes(2));

    /// <summary>`aspire logs &lt;resource&gt; --tail n`: a resource's last console lines (a project's output is not in the AppHost's).</summary>
    public Task<ProcessRunner.Result> LogsAsync(string resource, int lines) =>
        ProcessRunner.RunAsync(Executable, ["logs", resource, "--tail", lines.ToString(System.Globalization.CultureInfo.InvariantCulture), "--apphost", AppHostProject, "--non-interactive", "--nologo"],
            Environment, AppHostProcess.RepositoryRoot, TimeSpan.FromMinutes(1));

    /// <summary>`aspire wait &lt;resource&gt; --status healthy`.</summary>
    public Task<ProcessRunner.Result> WaitHealthyAsync(string resource) =>
        ProcessRunner.RunAsync(Executable, ["wait", resource, "--status", "healthy", "--apphost", AppHostProject, "--non-interactive", "--nologo", "--timeout", "90"],
            Environment, AppHostProcess.RepositoryRoot, TimeSpan.FromMinutes(2));
}
