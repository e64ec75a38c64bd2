using System.Net;
using System.Net.Sockets;
using System.Text;
using Rollout.AppHost.Hosting;
using Rollout.Monitor.Cli;
using Rollout.Monitor.Tests.Alerting;

namespace Rollout.Monitor.Tests.Units;

/// <summary>`Monitor receiver` (the alert-receiver resource) and the launcher of the monitoring executables, on their own.</summary>
public sealed class ReceiverTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rollout-receiver-").FullName;

    [Fact]
    public async Task The_receiver_records_each_webhook_payload_as_one_line_and_refuses_what_is_not_json()
    {
        var port = FreePort();
        var file = Path.Combine(_directory, "alerts.jsonl");
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var run = MonitorCli.RunAsync(["receiver", "--listen", $"127.0.0.1:{port}", "--record", file], output, output, stop.Token);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitListeningAsync(http);
            const string payload = """
                {"version":"4","groupKey":"{}:{alertname=\"ConnectionFailure\"}","status":"firing","receiver":"rollout-webhook",
                 "commonLabels":{"alertname":"ConnectionFailure"},
                 "alerts":[{"status":"firing","labels":{"alertname":"ConnectionFailure","database":"mo_idp"},"annotations":{},
                   "startsAt":"2026-11-29T21:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"ab12"}]}
                """;
            var accepted = await http.PostAsync("/alerts", new StringContent(payload, Encoding.UTF8, "application/json"));
            var refused = await http.PostAsync("/alerts", new StringContent("{not json", Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var alert = Assert.Single(new RecordedAlerts(file).Alerts);
            Assert.Equal("mo_idp", alert.Labels["database"]);
            Assert.Single(File.ReadAllLines(file));
        }
        finally
        {
            await stop.CancelAsync();
        }
        Assert.Equal(MonitorCli.Success, await run);
    }

    [Fact]
    public async Task The_receiver_without_a_record_file_or_state_directory_is_invalid_input()
    {
        var error = new StringWriter();
        var previous = Environment.GetEnvironmentVariable("ROLLOUT_STATE_DIR");
        Assert.Null(previous);

        var exit = await MonitorCli.RunAsync(["receiver", "--listen", $"127.0.0.1:{FreePort()}"], TextWriter.Null, error, CancellationToken.None);

        Assert.Equal(MonitorCli.InvalidInput, exit);
        Assert.Contains("receiver needs --record", error.ToString());
    }

    [Fact]
    public async Task The_receiver_on_a_taken_port_fails_with_exit_1_naming_the_way_out()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var error = new StringWriter();

        var exit = await MonitorCli.RunAsync(["receiver", "--listen", $"127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}", "--record", Path.Combine(_directory, "a.jsonl")],
            TextWriter.Null, error, CancellationToken.None);

        Assert.Equal(MonitorCli.Failed, exit);
        Assert.Contains("Choose another --listen", error.ToString());
    }

    /// <summary>A missing Prometheus that is not Debian's default path: no install, a message naming the package and the setting, exit 1.</summary>
    [Fact]
    public async Task A_missing_monitoring_program_exits_1_naming_the_package_and_the_setting()
    {
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in MonitoringProgram.Arguments("/nonexistent/prometheus", MonitoringSettings.DebianPrometheus, "prometheus",
                     "Monitoring:PrometheusProgram", ["--version"]))
            start.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("/nonexistent/prometheus not found", error);
        Assert.Contains("set Monitoring:PrometheusProgram", error);
        Assert.DoesNotContain("Installing", error);
    }

    [Fact]
    public async Task The_launcher_runs_an_existing_program_with_its_arguments()
    {
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        foreach (var argument in MonitoringProgram.Arguments("/bin/echo", MonitoringSettings.DebianPrometheus, "prometheus", "Monitoring:PrometheusProgram", ["a b", "c"]))
            start.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal("a b c\n", output);
    }

    private static async Task WaitListeningAsync(HttpClient http)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if ((await http.GetAsync("/")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (attempt < 40)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
