using Rollout.TestSupport.Estate;
using Rollout.Provisioner.Applying;
using Rollout.Provisioner.Passwords;
using Rollout.Provisioner.Planning;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Secrets;
using Rollout.SmokeRunner.Cli;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Tests.Fixtures;

/// <summary>
/// A running local stack (Aspire.Hosting.Testing through EstateTestHost: real servers, torn down after) with the estate provisioned
/// by the real Provisioner (plan, then apply): the correctly provisioned estate every failure test
/// breaks one thing of, and repairs afterwards.
/// </summary>
public sealed class ProvisionedEstateFixture : IAsyncLifetime
{
    private EstateTestHost? _stack;

    public string EstatePath { get; } = EstateLoader.Locate(AppContext.BaseDirectory);

    public Estate Estate { get; private set; } = null!;

    public EnvironmentBinding Binding { get; private set; } = null!;

    public string StateDirectory => _stack!.StateDirectory;

    public LocalSecretStore Secrets => _stack!.Secrets;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        _stack = await EstateTestHost.StartAsync(new EstateTestOptions { EstatePath = EstatePath }, timeout.Token);
        Estate = _stack.Estate;
        Binding = await _stack.BindAsync(timeout.Token);
        var passwords = ServicePasswords.Generating(_stack.Secrets);
        var plan = await new EnvironmentPlanner(Binding, passwords).PlanAsync(prune: true, timeout.Token);
        await new PlanExecutor(passwords).ExecuteAsync(plan, _ => Task.CompletedTask, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_stack is not null) await _stack.DisposeAsync();
    }

    /// <summary>Runs the SmokeRunner in-process as a user would, against this stack; returns exit code and both outputs.</summary>
    public async Task<SmokeRunOutput> RunSmokeAsync(params string[] extra)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var exit = await SmokeCli.RunAsync(["--env", "local", "--estate", EstatePath, "--state-dir", StateDirectory, .. extra], output, error, timeout.Token);
        return new SmokeRunOutput(exit, output.ToString(), error.ToString());
    }

    /// <summary>Stops one server of the stack (Aspire's stop command, as the dashboard's Stop button).</summary>
    public async Task StopServerAsync(string server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _stack!.StopServerAsync(server, timeout.Token);
    }

    /// <summary>Runs statements as the managed server's admin account (to break, then repair, one thing).</summary>
    public Task AdminAsync(string server, params string[] statements)
        => EstateAdmin.ExecuteAsync(Binding, server, statements);

    /// <summary>Every secret value in the state directory's store: what must never appear in any output.</summary>
    public Task<IReadOnlyList<string>> SecretValuesAsync()
        => EstateAdmin.SecretValuesAsync(Secrets);
}

public sealed record SmokeRunOutput(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;
}

[CollectionDefinition(Name)]
public sealed class ProvisionedEstateCollection : ICollectionFixture<ProvisionedEstateFixture>
{
    public const string Name = "provisioned estate";
}
