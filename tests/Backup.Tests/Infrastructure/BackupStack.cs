using System.CommandLine;
using Rollout.Backup.Cli;
using Rollout.ServiceDefaults.Local;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;
using Rollout.TestSupport.Estate;

namespace Rollout.Backup.Tests.Infrastructure;

/// <summary>
/// The one fixture of the backup tests: a local estate started through Aspire.Hosting.Testing (EstateTestHost), provisioned by the real
/// Provisioner (which creates the backup accounts), seeded with the edge-case data of <see cref="SeedData"/>. Tests
/// run the Backup CLI in-process against it; tests that damage a repository use a copy of the state directory,
/// which has a repository of its own.
/// </summary>
public sealed class BackupStack : IAsyncLifetime
{
    public const string MariaDbServer = "external-mariadb";
    public const string PostgreSqlServer = "external-postgres";

    private EstateTestHost _stack = null!;

    public string StateDirectory => _stack.StateDirectory;
    public Estate Estate => _stack.Estate;
    public ServerEndpoint Endpoint(string server) => _stack.Endpoint(server);
    public string BaseDirectory { get; } = Directory.CreateTempSubdirectory("rollout-backup-tests-").FullName;

    public async Task InitializeAsync()
    {
        _stack = await EstateTestHost.StartAsync();
        var apply = await ProvisionAsync();
        if (apply.Exit != 0) throw new InvalidOperationException("Provisioner apply failed: " + apply.Output);
        await SeedData.SeedAsync(this);
    }

    public async Task<CliResult> ProvisionAsync()
    {
        var output = new StringWriter();
        var io = new Provisioner.Commands.CommandIo(output, output, _ => null, Path.GetDirectoryName(Estate.SourcePath)!);
        var root = new RootCommand();
        root.Add(Provisioner.Commands.ApplyCommand.Create(io));
        var exit = await root.Parse(["apply", "--env", "local", "--state-dir", StateDirectory]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        return new CliResult(exit, output.ToString(), "");
    }

    /// <summary>Runs the Backup CLI in-process as Program.cs wires it, against this stack (or a copied state directory).</summary>
    public async Task<CliResult> BackupInAsync(string? stateDirectory, IDictionary<string, string>? variables, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var io = new CommandIo(output, error, name => variables is not null && variables.TryGetValue(name, out var v) ? v : null, Path.GetDirectoryName(Estate.SourcePath)!);
        var exit = await BackupCli.Create(io).Parse([.. args, "--env", "local", "--state-dir", stateDirectory ?? StateDirectory])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    public Task<CliResult> BackupAsync(params string[] args) => BackupInAsync(null, null, args);

    /// <summary>A state directory with this stack's servers and secrets but a repository of its own.</summary>
    public string CopyStateDirectory()
    {
        var copy = Path.Combine(BaseDirectory, "state-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(copy);
        foreach (var file in new[] { ResourceSnapshot.FileName, "secrets.json" })
            File.Copy(Path.Combine(StateDirectory, file), Path.Combine(copy, file));
        return copy;
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        try
        {
            Directory.Delete(BaseDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Scratch files in a uniquely named temporary directory; nothing depends on their removal.
        }
    }
}

public sealed record CliResult(int Exit, string Output, string Error)
{
    public string All => Output + Error;
}

[CollectionDefinition(Name)]
public sealed class BackupCollection : ICollectionFixture<BackupStack>
{
    public const string Name = "backup stack";
}
