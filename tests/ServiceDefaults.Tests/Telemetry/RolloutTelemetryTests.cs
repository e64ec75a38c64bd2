using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Rollout.ServiceDefaults.Telemetry;

namespace Rollout.ServiceDefaults.Tests.Telemetry;

/// <summary>
/// AddRolloutTelemetry: nothing at all without an endpoint; traces, metrics and logs of the program's source and meter
/// when exporting; OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set; everything flushed when disposed at exit.
/// </summary>
public sealed class RolloutTelemetryTests
{
    private static readonly Dictionary<string, string> NoVariables = [];

    [Fact]
    public void Without_an_endpoint_or_exporter_nothing_listens()
    {
        var name = "Rollout.Test." + Guid.NewGuid().ToString("N");
        using var source = new ActivitySource(name);
        using var telemetry = RolloutTelemetry.AddRolloutTelemetry("rollout-test", name, NoVariables.GetValueOrDefault);

        Assert.False(telemetry.IsEnabled);
        Assert.False(telemetry.ExportsOtlp);
        Assert.Null(source.StartActivity("nobody listens"));
    }

    [Fact]
    public void Spans_histograms_and_logs_of_the_program_are_exported_and_flushed_at_dispose()
    {
        var name = "Rollout.Test." + Guid.NewGuid().ToString("N");
        using var source = new ActivitySource(name);
        using var meter = new Meter(name);
        var histogram = meter.CreateHistogram<double>("rollout.test.duration", "ms");
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var logs = new List<LogRecord>();
        var telemetry = RolloutTelemetry.AddRolloutTelemetry("rollout-test", name, NoVariables.GetValueOrDefault,
            new TelemetryExporters(t => t.AddInMemoryExporter(spans), m => m.AddInMemoryExporter(metrics), l => l.AddInMemoryExporter(logs)));

        using (source.StartActivity("a step")) { }
        using (var foreign = new ActivitySource("Someone.Else")) Assert.Null(foreign.StartActivity("not ours"));
        histogram.Record(12.5, new KeyValuePair<string, object?>("db.namespace", "mo_crm"));
        telemetry.Logs.CreateLogger("test").LogInformation("logged {What}", "at exit");
        Assert.True(telemetry.IsEnabled);
        Assert.False(telemetry.ExportsOtlp);
        telemetry.Dispose();

        Assert.Equal("a step", Assert.Single(spans).DisplayName);
        // Each export (the flush at dispose, the shutdown) hands the exporter a snapshot: at least one is there.
        Assert.Contains(metrics, m => m.Name == "rollout.test.duration" && m.MetricType == MetricType.Histogram);
        Assert.Contains(logs, l => l.FormattedMessage == "logged at exit");
    }

    [Fact]
    public async Task With_OTEL_EXPORTER_OTLP_ENDPOINT_spans_reach_an_OTLP_receiver_by_the_time_the_program_exits()
    {
        using var receiver = new OtlpReceiver();
        var variables = new Dictionary<string, string>
        {
            [RolloutTelemetry.OtlpEndpointVariable] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        // The OTLP exporter reads its settings from the process environment, as it does under the AppHost.
        foreach (var (key, value) in variables) Environment.SetEnvironmentVariable(key, value);
        var name = "Rollout.Test." + Guid.NewGuid().ToString("N");
        try
        {
            using var source = new ActivitySource(name);
            var telemetry = RolloutTelemetry.AddRolloutTelemetry("rollout-test", name, variables.GetValueOrDefault);
            Assert.True(telemetry.ExportsOtlp);
            using (source.StartActivity("exported-over-otlp")) { }
            telemetry.Dispose();
        }
        finally
        {
            foreach (var key in variables.Keys) Environment.SetEnvironmentVariable(key, null);
        }

        var traces = await receiver.BodyOfAsync("/v1/traces");
        Assert.Contains("exported-over-otlp", traces, StringComparison.Ordinal);
        Assert.Contains("rollout-test", traces, StringComparison.Ordinal); // service.name
    }

    /// <summary>A minimal OTLP/HTTP receiver: accepts every export with 200 and keeps the bodies (protobuf; strings are plain UTF-8 in it).</summary>
    private sealed class OtlpReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<(string Path, string Body)> _received = [];
        private readonly Task _loop;

        public OtlpReceiver()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public string Endpoint { get; }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (_received) _received.Add((context.Request.Url!.AbsolutePath, Encoding.UTF8.GetString(body.ToArray())));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        public async Task<string> BodyOfAsync(string path)
        {
            for (var i = 0; i < 50; i++)
            {
                lock (_received)
                    if (_received.Where(r => r.Path == path).Select(r => r.Body).ToList() is { Count: > 0 } bodies) return string.Join("", bodies);
                await Task.Delay(100);
            }
            lock (_received) return $"nothing received on {path}; received: {string.Join(", ", _received.Select(r => r.Path))}";
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
