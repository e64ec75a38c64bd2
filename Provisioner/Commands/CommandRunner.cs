using Rollout.Provisioner.Engines;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;

namespace Rollout.Provisioner.Commands;

/// <summary>Runs a command body and turns every expected failure into a message and exit code 1.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(CommandIo io, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is ProvisioningException or EstateValidationException or BindingException or FileNotFoundException
                                      or InvalidDataException or ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            await io.Error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.Error;
        }
        catch (OperationCanceledException)
        {
            await io.Error.WriteLineAsync("error: cancelled.");
            return ExitCodes.Error;
        }
    }
}
