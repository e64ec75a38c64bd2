using Rollout.ServiceDefaults.Telemetry;
using Rollout.SmokeRunner.Cli;
using Rollout.SmokeRunner.Telemetry;

// Traces and the latency histograms over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the AppHost sets it); flushed at exit.
using var telemetry = RolloutTelemetry.AddRolloutTelemetry("rollout-smokerunner", SmokeTelemetry.Name, Environment.GetEnvironmentVariable);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
return await SmokeCli.RunAsync(args, Console.Out, Console.Error, cancel.Token);
