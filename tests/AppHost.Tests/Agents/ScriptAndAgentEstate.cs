using Rollout.AppHost.Tests.Lifecycle;
using Rollout.AppHost.Local.Templates;

namespace Rollout.AppHost.Tests.Agents;

/// <summary>
/// One AppHost run as a real process (`dotnet Rollout.AppHost.dll`, what `dotnet run` starts) with the projects and
/// their commands, provisioned and smoke-green, shared by the tests of <see cref="ResourceCommandsFromScriptsAndAgentsTests"/>.
/// It and the CLI share a home of their own (see <see cref="AspireCli"/>); the template cache stays the user's.
/// </summary>
public sealed class ScriptAndAgentEstate : IAsyncLifetime
{
    private readonly TemporaryDirectory _state = new();
    private readonly TemporaryDirectory _home = new();
    private AppHostProcess? _apphost;

    internal AspireCli Cli { get; private set; } = null!;

    internal AppHostProcess AppHost => _apphost ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        Cli = new AspireCli(_home.Path);
        _ = AspireCli.Executable; // fails at once, with the install command, when the CLI is missing
        var environment = new Dictionary<string, string>(Cli.Environment);
        if (TemplateCache.Resolve(null, disabled: false) is { } cache) environment[TemplateCache.EnvironmentVariable] = cache.Root;
        _apphost = await AppHostProcess.StartAsync(_state.Path, environment, "--with-projects", "--Monitoring:Enabled=false");
        await AppHost.WaitUntilHealthyAsync(TimeSpan.FromMinutes(3));
        // The commands are compared with the state the projects leave: applied, and smoke-green once.
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!AppHost.Output.Contains("smokerunner: Finished (exit code 0)", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !AppHost.Process.HasExited, "the SmokeRunner did not finish green:" + Environment.NewLine + AppHost.Output);
            await Task.Delay(200);
        }
    }

    public async Task DisposeAsync()
    {
        if (_apphost is not null) await _apphost.DisposeAsync();
        _state.Dispose();
        _home.Dispose();
    }
}
