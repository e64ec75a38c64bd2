using Rollout.AppHost.Tests.Lifecycle;
using Rollout.AppHost.Local.Templates;

namespace Rollout.AppHost.Tests.Agents;

/// <summary>
/// One AppHost run as a real process (`dotnet Rollout.AppHost.dll`, what `dotnet run` starts) with the projects and
/// their commands, provisioned (the SmokeRunner's own run finished, whatever its latency verdict on a loaded machine), shared by the tests of <see cref="ResourceCommandsFromScriptsAndAgentsTests"/>.
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
        _apphost = await AppHostProcess.StartHealthyAsync(_state.Path, environment, TimeSpan.FromMinutes(3), "--with-projects", "--Monitoring:Enabled=false");
        // plan is compared with the state apply leaves; the start-up smoke run is waited for so it does not overlap the tests.
        await WaitForLineAsync("provisioner: Finished (exit code 0)", "provisioner: Finished (exit code", "provisioner");
        await WaitForLineAsync("smokerunner: Finished (exit code", null, "smokerunner");
    }

    private async Task WaitForLineAsync(string expected, string? failure, string resource)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!AppHost.Output.Contains(expected, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline || AppHost.Process.HasExited || (failure is not null && AppHost.Output.Contains(failure, StringComparison.Ordinal)))
                Assert.Fail($"never saw '{expected}':{Environment.NewLine}{AppHost.Output}{Environment.NewLine}" +
                            $"its console log (aspire logs {resource}):{Environment.NewLine}{await ConsoleLogAsync(resource)}");
            await Task.Delay(200);
        }
    }

    private async Task<string> ConsoleLogAsync(string resource)
    {
        try
        {
            return (await Cli.LogsAsync(resource, 40)).All;
        }
        catch (TimeoutException e)
        {
            return e.Message;
        }
    }

    public async Task DisposeAsync()
    {
        if (_apphost is not null) await _apphost.DisposeAsync();
        _state.Dispose();
        _home.Dispose();
    }
}
