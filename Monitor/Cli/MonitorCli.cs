using System.CommandLine;
using System.Net;
using Prometheus;
using Rollout.Monitor.Metrics;
using Rollout.Monitor.Running;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Monitor.Cli;

/// <summary>
/// <c>Monitor [run] --env local</c> serves /metrics and probes every interval until stopped;
/// <c>Monitor once --env local</c> probes once and prints the metrics; <c>Monitor receiver</c> records what Alertmanager
/// sends. Exit codes as every Rollout program:
/// 0 success (all databases answered), 1 a probe failed or the endpoint could not be served, 3 invalid input.
/// </summary>
public static class MonitorCli
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int InvalidInput = 3;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new MonitorOptions();
        var root = new RootCommand("Rollout Monitor: probes every database of the estate (TLS login + SELECT 1, server counters, certificates, backup age) for Prometheus.");
        foreach (var option in options.All)
        {
            option.Recursive = true;
            root.Options.Add(option);
        }
        var run = new Command("run", "Serve /metrics and probe every --interval until stopped (the same as giving no command).");
        var once = new Command("once", "Probe once, print the metrics in Prometheus' text format and exit (0 when every database answered).");
        var receiver = new Command("receiver", "Record every Alertmanager webhook call as one JSON line in --file (the local stand-in for n8n), until stopped.");
        receiver.Options.Add(options.RecordFile);
        root.Subcommands.Add(run);
        root.Subcommands.Add(once);
        root.Subcommands.Add(receiver);
        root.SetAction((parse, ct) => ServeAsync(options, parse, output, error, ct));
        run.SetAction((parse, ct) => ServeAsync(options, parse, output, error, ct));
        once.SetAction((parse, ct) => OnceAsync(options, parse, output, error, ct));
        receiver.SetAction((parse, ct) => ReceiverCommand.RunAsync(options, parse, output, error, ct));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors) await error.WriteLineAsync("monitor: " + problem.Message);
            await error.WriteLineAsync("monitor: see --help for the options.");
            return InvalidInput;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private static async Task<int> OnceAsync(MonitorOptions options, ParseResult parse, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (await BindAsync(options, parse, error, cancellationToken) is not { } bound) return InvalidInput;
        var metrics = new ProbeMetrics();
        var results = await new ProbeCycle(bound.Binding, bound.Secrets, metrics, bound.Settings, TimeProvider.System).RunAsync(cancellationToken);
        await output.WriteAsync(await metrics.ExportAsync(cancellationToken));
        foreach (var failure in results.Where(r => !r.Success))
            await error.WriteLineAsync($"monitor: {failure.Database.Name} ({failure.Database.User}@{failure.Database.ServerName}) failed: {failure.FailureReason}");
        return results.All(r => r.Success) ? Success : Failed;
    }

    private static async Task<int> ServeAsync(MonitorOptions options, ParseResult parse, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (await BindAsync(options, parse, error, cancellationToken) is not { } bound) return InvalidInput;
        MonitorOptions.TryParseListen(parse.GetValue(options.Listen)!, out var listen);
        var metrics = new ProbeMetrics();
        var cycle = new ProbeCycle(bound.Binding, bound.Secrets, metrics, bound.Settings, TimeProvider.System);
        using var server = new MetricServer(listen.Address.ToString(), listen.Port, "metrics/", metrics.Registry);
        try
        {
            server.Start();
        }
        catch (HttpListenerException e)
        {
            await error.WriteLineAsync($"monitor: cannot serve http://{listen}/metrics: {e.Message}. Choose another port with --listen.");
            return Failed;
        }
        var interval = parse.GetValue(options.Interval);
        await output.WriteLineAsync($"monitor: serving http://{listen}/metrics ({bound.Binding.Databases.Count} databases of {bound.Binding.Name}, every {interval.TotalSeconds:0.#} s)");
        await output.FlushAsync(cancellationToken);
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                await cycle.RunAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or the AppHost stopping the resource: a clean end.
        }
        await server.StopAsync();
        return Success;
    }

    private sealed record Bound(EnvironmentBinding Binding, ISecretSource Secrets, ProbeSettings Settings);

    private static async Task<Bound?> BindAsync(MonitorOptions options, ParseResult parse, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            var estatePath = parse.GetValue(options.Estate)?.FullName ?? EstateLoader.Locate();
            var estate = EstateLoader.LoadFile(estatePath);
            var environment = estate.Environment(parse.GetValue(options.Environment)!);
            var stateDirectory = parse.GetValue(options.StateDirectory)?.FullName ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(estatePath))!, ".rollout");
            EnvironmentBinding binding;
            ISecretSource secrets;
            if (environment.Kind == EnvironmentKind.Local)
            {
                binding = await LocalEnvironmentBinder.BindAsync(estate, stateDirectory, cancellationToken, environment.Name);
                secrets = LocalSecretStore.InStateDirectory(stateDirectory);
            }
            else
            {
                binding = RemoteEnvironmentBinder.Bind(estate, environment.Name, System.Environment.GetEnvironmentVariable);
                secrets = new EnvironmentVariableSecretSource();
            }
            var backupStatus = parse.GetValue(options.BackupStatus)?.FullName ?? Path.Combine(stateDirectory, Backups.BackupStatusFile.RelativePath);
            var settings = new ProbeSettings(parse.GetValue(options.Timeout), TimeSpan.FromMinutes(5), backupStatus)
            {
                ServerLogs = MonitorOptions.ParseServerLogs(parse.GetValue(options.ServerLogs) ?? [], binding.Servers.Keys.ToList()),
            };
            return new Bound(binding, secrets, settings);
        }
        catch (Exception e) when (e is EstateValidationException or BindingException or FileNotFoundException or KeyNotFoundException
                                      or InvalidOperationException or InvalidDataException or ArgumentException or FormatException)
        {
            await error.WriteLineAsync($"monitor: cannot run: {e.Message}");
            return null;
        }
    }
}
