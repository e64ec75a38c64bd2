using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Rollout.AppHost.Publishing.Monitoring;

namespace Rollout.AppHost.Hosting;

/// <summary>The monitoring resources of one run, for tests and the dashboard.</summary>
public sealed record MonitoringResources(
    MonitoringSettings Settings,
    MonitoringFiles Files,
    IResourceBuilder<ProjectResource> Probe,
    IResourceBuilder<ProjectResource> Receiver,
    IResourceBuilder<ExecutableResource> Alertmanager,
    IResourceBuilder<ExecutableResource> Prometheus)
{
    /// <summary>The standard exporters (mysqld, postgres, redis, node) Prometheus scrapes locally.</summary>
    public IReadOnlyList<LocalExporter> Exporters { get; init; } = [];

    public IReadOnlyList<IResourceBuilder<ExecutableResource>> ExporterResources { get; init; } = [];
}

/// <summary>
/// Issue 11's standard stack in run mode: the probe (Rollout.Monitor), a receiver recording what Alertmanager sends
/// (`Monitor receiver`), Alertmanager and Prometheus (Debian's programs as executables), on loopback, non-proxied
/// ports, their configuration generated from rollout.yaml by the same generators `publish` uses. Nothing of the
/// estate waits for them: they wait for the servers (the probe for the Provisioner), and a failing monitoring
/// process stays a failed resource. Publish mode adds nothing here: `publish` writes the production side.
/// </summary>
public static class MonitoringResourceExtensions
{
    public const string ProbeName = "monitor";
    public const string ReceiverName = "alert-receiver";
    public const string AlertmanagerName = "alertmanager";
    public const string PrometheusName = "prometheus";
    public const string HttpEndpoint = "http";

    public static MonitoringResources? AddEstateMonitoring(this IDistributedApplicationBuilder builder, EstateResources estate,
        IResourceBuilder<ProjectResource> provisioner)
    {
        if (builder.ExecutionContext.IsPublishMode || estate.Runtime is not { } run) return null;
        var settings = MonitoringSettings.From(builder.Configuration);
        if (!settings.Enabled) return null;
        var files = new MonitoringFiles(run.Layout.Root);
        var exporters = MonitoringExporters.Plan(run);
        var layout = new MonitoringLayout(Loopback(settings.ProbePort), Loopback(settings.AlertmanagerPort), [.. exporters.Select(e => e.Target)],
            $"http://{Loopback(settings.ReceiverPort)}/alerts", WebhookTokenFile: null);
        builder.Eventing.Subscribe<BeforeStartEvent>((_, cancellationToken) =>
            files.WriteAsync(run.Estate, layout, settings.Timings, run.Options.Fresh, cancellationToken));
        var seconds = settings.Timings.ScrapeInterval.ToString("c", CultureInfo.InvariantCulture);

        // PostgreSQL counts no failed logins: the probe reads them from the server's log, locally its console as
        // ServerLogFiles copies it to <state>/logs/<server>.log.
        var serverLogs = run.Estate.EnabledServers(run.Environment).Where(s => s.Engine == Topology.Model.Engine.PostgreSql)
            .ToDictionary(s => s.Name, s => run.Layout.Log(s.Name));
        var probe = builder.AddProject<Projects.Rollout_Monitor>(ProbeName)
            .WithArgs(["run", "--listen", layout.ProbeAddress, "--interval", seconds, "--env", run.Environment.Name,
                "--estate", estate.EstatePath, "--state-dir", run.Layout.Root, .. serverLogs.SelectMany(l => new[] { "--server-log", $"{l.Key}={l.Value}" })])
            .WithEnvironment(EstateOptions.EstateVariable, estate.EstatePath)
            .WithEnvironment(EstateOptions.StateDirectoryVariable, run.Layout.Root)
            .WithHttpEndpoint(port: settings.ProbePort, name: HttpEndpoint, isProxied: false)
            .WithUrlForEndpoint(HttpEndpoint, url => { url.Url = $"http://{layout.ProbeAddress}/metrics"; url.DisplayText = "Probe metrics"; })
            // Probing before the service users exist would only raise false alerts.
            .WaitForCompletion(provisioner);
        LoopbackHttpHealthCheck.Attach(probe, settings.ProbePort, "/metrics");

        var receiver = builder.AddProject<Projects.Rollout_Monitor>(ReceiverName)
            .WithArgs("receiver", "--listen", Loopback(settings.ReceiverPort), "--record", files.ReceivedAlerts)
            .WithHttpEndpoint(port: settings.ReceiverPort, name: HttpEndpoint, isProxied: false)
            .WithUrlForEndpoint(HttpEndpoint, url => url.DisplayText = "Recorded alerts (count)");
        LoopbackHttpHealthCheck.Attach(receiver, settings.ReceiverPort, "/");

        var alertmanager = builder.AddExecutable(AlertmanagerName, "/bin/sh", files.Directory)
            .WithArgs([.. MonitoringProgram.Arguments(settings.AlertmanagerProgram, MonitoringSettings.DebianAlertmanager, "prometheus-alertmanager",
                $"{MonitoringSettings.Section}:AlertmanagerProgram",
                [$"--config.file={files.AlertmanagerConfig}", $"--storage.path={files.AlertmanagerData}",
                 $"--web.listen-address={layout.AlertmanagerAddress}", "--cluster.listen-address="])])
            .WithHttpEndpoint(port: settings.AlertmanagerPort, targetPort: settings.AlertmanagerPort, name: HttpEndpoint, isProxied: false)
            .WithUrlForEndpoint(HttpEndpoint, url => url.DisplayText = "Alertmanager")
            .WaitFor(receiver);
        LoopbackHttpHealthCheck.Attach(alertmanager, settings.AlertmanagerPort, "/-/ready");

        var prometheus = builder.AddExecutable(PrometheusName, "/bin/sh", files.Directory)
            .WithArgs([.. MonitoringProgram.Arguments(settings.PrometheusProgram, MonitoringSettings.DebianPrometheus, "prometheus",
                $"{MonitoringSettings.Section}:PrometheusProgram",
                [$"--config.file={files.PrometheusConfig}", $"--storage.tsdb.path={files.PrometheusData}", "--storage.tsdb.retention.time=7d",
                 $"--web.listen-address={Loopback(settings.PrometheusPort)}",
                 // Firing and resolved alerts reach Alertmanager within one evaluation, not Prometheus' default minute.
                 $"--rules.alert.resend-delay={AlertRules.Duration(settings.Timings.EvaluationInterval)}"])])
            .WithHttpEndpoint(port: settings.PrometheusPort, targetPort: settings.PrometheusPort, name: HttpEndpoint, isProxied: false)
            .WithUrlForEndpoint(HttpEndpoint, url => url.DisplayText = "Prometheus")
            .WithUrl(ReferenceExpression.Create($"http://{Loopback(settings.PrometheusPort)}/alerts"), "Prometheus alerts")
            .WaitFor(alertmanager);
        LoopbackHttpHealthCheck.Attach(prometheus, settings.PrometheusPort, "/-/ready");

        var exporterResources = builder.AddExporters(estate, run, exporters, files.Directory, provisioner);

        // After the servers, never before: the estate's start is never held up by monitoring.
        foreach (var server in estate.Servers)
        {
            // ConnectionStrings__<server>: how a project resource finds the servers (LocalEnvironmentBinder).
            probe.WithReference(server);
            receiver.WaitFor(server);
            alertmanager.WaitFor(server);
            prometheus.WaitFor(server);
        }
        return new MonitoringResources(settings, files, probe, receiver, alertmanager, prometheus) { Exporters = exporters, ExporterResources = exporterResources };
    }

    private static string Loopback(int port) => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
}
