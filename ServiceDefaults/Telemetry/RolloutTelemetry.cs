using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Rollout.ServiceDefaults.Telemetry;

/// <summary>Exporters a caller adds besides OTLP (tests: the in-memory exporter).</summary>
public sealed record TelemetryExporters(
    Action<TracerProviderBuilder>? Tracing = null,
    Action<MeterProviderBuilder>? Metrics = null,
    Action<OpenTelemetryLoggerOptions>? Logging = null)
{
    public bool Any => Tracing is not null || Metrics is not null || Logging is not null;
}

/// <summary>
/// OpenTelemetry for Rollout's console programs, as Aspire's AddServiceDefaults() sets it up for services: traces,
/// metrics and logs of the program's own ActivitySource and Meter, exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT
/// is set (the AppHost/Aspire sets it, with OTEL_SERVICE_NAME and the headers), and flushed when disposed at exit.
/// Without an endpoint (and no extra exporter) nothing is built: no listener, so a span costs one null check.
/// </summary>
public sealed class RolloutTelemetry : IDisposable
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";

    private readonly TracerProvider? _tracing;
    private readonly MeterProvider? _metrics;
    private readonly ILoggerFactory _logs;

    private RolloutTelemetry(TracerProvider? tracing, MeterProvider? metrics, ILoggerFactory logs, bool exportsOtlp)
    {
        _tracing = tracing;
        _metrics = metrics;
        _logs = logs;
        ExportsOtlp = exportsOtlp;
    }

    /// <summary>Whether OTLP export is on (OTEL_EXPORTER_OTLP_ENDPOINT was set).</summary>
    public bool ExportsOtlp { get; }

    /// <summary>Whether anything listens at all; false means the program runs exactly as without telemetry.</summary>
    public bool IsEnabled => _tracing is not null;

    /// <summary>Loggers whose records go out with the traces (a no-op factory when telemetry is off).</summary>
    public ILoggerFactory Logs => _logs;

    /// <param name="serviceName">The service name when OTEL_SERVICE_NAME is not set (e.g. rollout-provisioner).</param>
    /// <param name="instrumentation">The program's ActivitySource and Meter name (e.g. Rollout.Provisioner).</param>
    /// <param name="variables">The environment (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME).</param>
    public static RolloutTelemetry AddRolloutTelemetry(string serviceName, string instrumentation, Func<string, string?> variables, TelemetryExporters? extra = null)
    {
        var otlp = variables(OtlpEndpointVariable) is { Length: > 0 };
        extra ??= new TelemetryExporters();
        if (!otlp && !extra.Any) return new RolloutTelemetry(null, null, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, false);

        return Build(serviceName, instrumentation, variables, extra, otlp);
    }

    /// <summary>
    /// Kept out of <see cref="AddRolloutTelemetry"/> so that with telemetry off the SDK's dependencies
    /// (Microsoft.Extensions.Logging and friends) are never loaded: a copy of the program in another
    /// application's output (a test project's, laid out for the ASP.NET framework) then still starts.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static RolloutTelemetry Build(string serviceName, string instrumentation, Func<string, string?> variables, TelemetryExporters extra, bool otlp)
    {
        var resource = ResourceBuilder.CreateDefault().AddService(variables(ServiceNameVariable) is { Length: > 0 } name ? name : serviceName);
        var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(instrumentation);
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(instrumentation);
        if (otlp)
        {
            // The exporter reads the endpoint, protocol and headers from the OTEL_EXPORTER_OTLP_* variables itself.
            tracing.AddOtlpExporter();
            metrics.AddOtlpExporter();
        }
        extra.Tracing?.Invoke(tracing);
        extra.Metrics?.Invoke(metrics);
        var logs = LoggerFactory.Create(builder => builder.AddOpenTelemetry(options =>
        {
            options.SetResourceBuilder(resource);
            options.IncludeFormattedMessage = true;
            if (otlp) options.AddOtlpExporter();
            extra.Logging?.Invoke(options);
        }));
        return new RolloutTelemetry(tracing.Build(), metrics.Build(), logs, otlp);
    }

    /// <summary>Exports what is buffered and shuts the providers down: call at exit (a `using` in Program.cs).</summary>
    public void Dispose()
    {
        _tracing?.ForceFlush();
        _metrics?.ForceFlush();
        _tracing?.Dispose();
        _metrics?.Dispose();
        _logs.Dispose();
    }
}
