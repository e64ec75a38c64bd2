using Rollout.Provisioner.Engines;

namespace Rollout.Provisioner.Commands;

/// <summary>Runs a command body and turns every expected failure into a message and exit code 3 (bad input) or 1 (failed).</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(CommandIo io, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is ProvisioningException or FileNotFoundException or InvalidDataException or InvalidOperationException
                                      || ServiceDefaults.Cli.ExitCodes.IsInvalidInput(e))
        {
            await io.Error.WriteLineAsync("error: " + e.Message);
            return ServiceDefaults.Cli.ExitCodes.For(e);
        }
        catch (OperationCanceledException)
        {
            await io.Error.WriteLineAsync("error: cancelled.");
            return ExitCodes.Error;
        }
    }
}
