using Microsoft.Extensions.Logging;
using Rollout.Provisioner.Commands;
using Rollout.Provisioner.Telemetry;
using Rollout.ServiceDefaults.Redaction;
using Rollout.ServiceDefaults.Telemetry;

// Last line of defence: every secret registered by the commands is masked in anything printed.
RedactingTextWriter.InstallOnConsole(SecretRedactor.Shared);
// Traces, metrics and logs over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the AppHost sets it); flushed at exit.
using var telemetry = RolloutTelemetry.AddRolloutTelemetry("rollout-provisioner", ProvisionerTelemetry.Name, Environment.GetEnvironmentVariable);
ProvisionerTelemetry.Logger = telemetry.Logs.CreateLogger(ProvisionerTelemetry.Name);
return await ProvisionerCli.RunAsync(args, CommandIo.FromConsole());
