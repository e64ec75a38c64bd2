using System.CommandLine;
using Rollout.Provisioner.Passwords;
using Rollout.ServiceDefaults.Cli;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Commands;

/// <summary>An estate bound to one environment, with the source of its service passwords.</summary>
public sealed record ProvisionerContext(EnvironmentBinding Binding, ServicePasswords Passwords)
{
    public static async Task<ProvisionerContext> LoadAsync(ParseResult parse, ProvisionerOptions options, CommandIo io, CancellationToken cancellationToken)
    {
        var estatePath = EstateLocation.EstateFile(parse.GetValue(options.Estate), io.Variables, io.WorkingDirectory);
        var estate = EstateLoader.LoadFile(estatePath);
        var environmentName = parse.GetValue(options.Environment)!;
        var environment = estate.Environments.FirstOrDefault(e => e.Name == environmentName)
            ?? throw new ArgumentException($"--env {environmentName}: no such environment in {estatePath} (environments: {string.Join(", ", estate.Environments.Select(e => e.Name))}).");

        if (environment.Kind == EnvironmentKind.Local)
        {
            // The AppHost runs us with ROLLOUT_STATE_DIR set to its state directory.
            var stateDirectory = EstateLocation.StateDirectory(parse.GetValue(options.StateDirectory), io.Variables, estatePath, io.WorkingDirectory);
            var binding = await LocalEnvironmentBinder.BindAsync(estate, stateDirectory, cancellationToken, environmentName);
            return new ProvisionerContext(binding, ServicePasswords.Generating(LocalSecretStore.InStateDirectory(stateDirectory)));
        }
        var remote = RemoteEnvironmentBinder.Bind(estate, environmentName, io.Variables);
        return new ProvisionerContext(remote, ServicePasswords.ReadOnly(new EnvironmentVariableSecretSource(io.Variables)));
    }
}
