using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Rollout.AppHost.Publishing.Monitoring;
using Rollout.Monitor.Cli;
using Rollout.Monitor.Tests.Fixtures;

namespace Rollout.Monitor.Tests.Alerting;

/// <summary>
/// The local alerting path, end to end: the probe serving /metrics, the real Prometheus (Debian) scraping it and
/// evaluating the rules generated from rollout.yaml, the real Alertmanager routing to <see cref="AlertReceiver"/>.
/// Configurations come from the same generators `publish` uses, with short intervals. Started by the test until
/// the AppHost (on Aspire) runs these processes as resources.
/// </summary>
public sealed class AlertingPipeline : IAsyncDisposable
{
    public static readonly MonitoringTimings TestTimings = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1),
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), TimeSpan.FromMinutes(5));

    private readonly string _directory = Directory.CreateTempSubdirectory("rollout-alerting-").FullName;
    private readonly CancellationTokenSource _stopProbe = new();
    private readonly List<Process> _processes = [];
    private Task<int>? _probe;

    public AlertReceiver Receiver { get; private set; } = null!;

    public string PrometheusUrl { get; private set; } = "";

    public static async Task<AlertingPipeline> StartAsync(MonitoredEstate estate)
    {
        var pipeline = new AlertingPipeline();
        try
        {
            await pipeline.StartInternalAsync(estate);
            return pipeline;
        }
        catch
        {
            await pipeline.DisposeAsync();
            throw;
        }
    }

    private async Task StartInternalAsync(MonitoredEstate estate)
    {
        int probePort = FreePort(), prometheusPort = FreePort(), alertmanagerPort = FreePort();
        Receiver = new AlertReceiver(FreePort());
        var layout = new MonitoringLayout($"127.0.0.1:{probePort}", $"127.0.0.1:{alertmanagerPort}", [], Receiver.Url, WebhookTokenFile: null);
        await File.WriteAllTextAsync(Path.Combine(_directory, AlertRules.FileName), AlertRules.Render(estate.Estate));
        await File.WriteAllTextAsync(Path.Combine(_directory, PrometheusConfig.FileName), PrometheusConfig.Render(estate.Estate, layout, TestTimings, AlertRules.FileName));
        await File.WriteAllTextAsync(Path.Combine(_directory, AlertmanagerConfig.FileName), AlertmanagerConfig.Render(layout, TestTimings));

        var probeOutput = new StringWriter();
        _probe = MonitorCli.RunAsync(["run", "--listen", layout.ProbeAddress, "--interval", "00:00:01", "--timeout", "00:00:02",
            "--env", "local", "--estate", estate.EstatePath, "--state-dir", estate.StateDirectory], probeOutput, probeOutput, _stopProbe.Token);

        Start("prometheus", $"--config.file={Path.Combine(_directory, PrometheusConfig.FileName)}", $"--storage.tsdb.path={Path.Combine(_directory, "tsdb")}",
            $"--web.listen-address=127.0.0.1:{prometheusPort}", "--rules.alert.resend-delay=1s");
        // An empty cluster address turns gossip off: no listener on 0.0.0.0:9094.
        Start("prometheus-alertmanager", $"--config.file={Path.Combine(_directory, AlertmanagerConfig.FileName)}", $"--storage.path={Path.Combine(_directory, "alertmanager")}",
            $"--web.listen-address=127.0.0.1:{alertmanagerPort}", "--cluster.listen-address=");
        PrometheusUrl = $"http://127.0.0.1:{prometheusPort}";
        await WaitReadyAsync(PrometheusUrl + "/-/ready");
        await WaitReadyAsync($"http://127.0.0.1:{alertmanagerPort}/-/ready");
        if (_probe.IsCompleted) throw new InvalidOperationException("the probe ended at start: " + probeOutput);
    }

    /// <summary>Waits until Prometheus has scraped a value for every database (the alerting path is live).</summary>
    public async Task WaitForScrapesAsync(int databases, TimeSpan timeout)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var body = await http.GetStringAsync(PrometheusUrl + "/api/v1/query?query=count(rollout_database_up%20%3D%3D%201)");
            if (body.Contains($"\"{databases}\"", StringComparison.Ordinal)) return;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Prometheus did not see {databases} databases up in time: {body}");
            await Task.Delay(500);
        }
    }

    private void Start(string program, params string[] args)
    {
        var start = new ProcessStartInfo(ProcessRunner.Resolve(program) ?? program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var log = new StreamWriter(Path.Combine(_directory, program + ".log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    private async Task WaitReadyAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                if ((await http.GetAsync(url)).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (_processes.FirstOrDefault(p => p.HasExited) is { } dead)
                throw new InvalidOperationException($"{dead.StartInfo.FileName} exited with {dead.ExitCode}: {Logs()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{url} not ready: {Logs()}");
            await Task.Delay(200);
        }
    }

    private string Logs() => string.Join("\n", Directory.GetFiles(_directory, "*.log").Select(f => Path.GetFileName(f) + ":\n" + ReadShared(f)));

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
        await _stopProbe.CancelAsync();
        if (_probe is not null) await _probe;
        if (Receiver is not null) await Receiver.DisposeAsync();
        _stopProbe.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory; nothing depends on its removal.
        }
    }
}
