using Microsoft.Extensions.Logging;
using Rollout.Provisioner.Engines;
using Rollout.Provisioner.Telemetry;
using Rollout.ServiceDefaults.Redaction;

namespace Rollout.Provisioner.Commands;

/// <summary>Runs a command body and turns every expected failure into a message and exit code 3 (bad input) or 1 (failed).</summary>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="body"/> inside the command's span (<see cref="ProvisionerTelemetry.StartCommand"/>).</summary>
    public static async Task<int> RunAsync(CommandIo io, string verb, string? environment, bool prune, Func<Task<int>> body)
    {
        using var span = ProvisionerTelemetry.StartCommand(verb, environment, prune);
        var exitCode = await RunAsync(io, span, body);
        span?.SetTag("process.exit.code", exitCode);
        return exitCode;
    }

    private static async Task<int> RunAsync(CommandIo io, System.Diagnostics.Activity? span, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is ProvisioningException or FileNotFoundException or InvalidDataException or InvalidOperationException
                                      || ServiceDefaults.Cli.ExitCodes.IsInvalidInput(e))
        {
            ProvisionerTelemetry.Fail(span, e);
            ProvisionerTelemetry.Logger.LogError("{Message}", SecretRedactor.Shared.Redact(e.Message));
            await io.Error.WriteLineAsync("error: " + e.Message);
            return ServiceDefaults.Cli.ExitCodes.For(e);
        }
        catch (OperationCanceledException e)
        {
            ProvisionerTelemetry.Fail(span, e);
            await io.Error.WriteLineAsync("error: cancelled.");
            return ExitCodes.Error;
        }
    }
}
