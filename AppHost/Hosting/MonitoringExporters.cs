using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Rollout.AppHost.Local;
using Rollout.AppHost.Publishing.Monitoring;
using Rollout.Topology.Model;
using Rollout.Topology.Secrets;

namespace Rollout.AppHost.Hosting;

/// <summary>One local exporter: its scrape job, the server it watches (null: node_exporter, this machine) and its loopback port.</summary>
public sealed record LocalExporter(string Job, ServerSpec? Server, int Port)
{
    /// <summary>Aspire's resource name: <c>external-mariadb-exporter</c>, <c>redis-exporter</c>, <c>node-exporter</c>.</summary>
    public string ResourceName => $"{Server?.Name ?? MonitoringLayout.NodeJob}-exporter";

    public string Address => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The scrape target; locally the one node_exporter is labelled server="localhost" (every server runs here).</summary>
    public ExporterTarget Target => new(Job, Server?.Name ?? "localhost", Address);

    /// <summary>The setting that chooses another program: Monitoring:MysqldExporterProgram, …:NodeExporterProgram.</summary>
    public string SettingName => char.ToUpperInvariant(Job[0]) + Job[1..] + "ExporterProgram";

    /// <summary>Debian's program and the package that has it.</summary>
    public (string Program, string Package) Debian => Job switch
    {
        MonitoringLayout.MysqldJob => ("/usr/bin/prometheus-mysqld-exporter", "prometheus-mysqld-exporter"),
        MonitoringLayout.PostgresJob => ("/usr/bin/prometheus-postgres-exporter", "prometheus-postgres-exporter"),
        MonitoringLayout.RedisJob => ("/usr/bin/prometheus-redis-exporter", "prometheus-redis-exporter"),
        _ => ("/usr/bin/prometheus-node-exporter", "prometheus-node-exporter"),
    };
}

/// <summary>
/// The standard exporters as executables next to the servers in run mode, derived like production's scrape targets
/// (<see cref="MonitoringLayout.ExporterJobs"/>): a mysqld_exporter per managed MariaDB, a postgres_exporter, a
/// redis_exporter, and one node_exporter (every local server shares this machine). The Plesk replica gets none, as
/// in production: it is never altered, so no monitoring account can exist there. Each exporter starts once its server
/// is healthy and the Provisioner has completed (the servers never wait for it), logs in over TLS (CA verified) as monitoring.account with
/// &lt;SERVER&gt;_MONITOR_PASS, handed over in an environment variable from a secret parameter — never a file or
/// an argument — and is healthy when its /metrics answers. A failed login is the exporter's mysql_up/pg_up/redis_up 0
/// (MonitoringTargetDown alerts), never a stopped estate.
/// </summary>
public static class MonitoringExporters
{
    public static IReadOnlyList<LocalExporter> Plan(EstateRuntime run)
    {
        var servers = run.Estate.EnabledServers(run.Environment);
        var exporters = MonitoringLayout.ExporterJobs(servers).Where(e => e.Job != MonitoringLayout.NodeJob)
            .Select(e => new LocalExporter(e.Job, e.Server, PortProbe.FindFree())).ToList();
        if (MonitoringLayout.ExporterJobs(servers).Any(e => e.Job == MonitoringLayout.NodeJob))
            exporters.Add(new LocalExporter(MonitoringLayout.NodeJob, null, PortProbe.FindFree()));
        return exporters;
    }

    public static IReadOnlyList<IResourceBuilder<ExecutableResource>> AddExporters(this IDistributedApplicationBuilder builder, EstateResources estate,
        EstateRuntime run, IReadOnlyList<LocalExporter> exporters, string workingDirectory, IResourceBuilder<ProjectResource> provisioner)
    {
        // A fresh machine gets the exporters' packages after the servers' (one dpkg lock, in this process), as restic, but
        // in the background: the servers do not wait for them. An exporter starting before its package is in waits for
        // dpkg's lock in its own launcher and finds it installed (or names the package).
        builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
        {
            var missing = exporters.Select(e => e.Debian).Distinct().Where(d => !File.Exists(d.Program)).ToList();
            if (missing.Count > 0 && PackageInstaller.CanInstall)
                _ = Task.Run(() =>
                {
                    foreach (var (program, package) in missing)
                    {
                        try { PackageInstaller.TryInstall(package, program); }
                        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
                        {
                            Console.Error.WriteLine($"Could not install {package}: {e.Message}; the {package} resource says what to do.");
                        }
                    }
                });
            return Task.CompletedTask;
        });
        var resources = new List<IResourceBuilder<ExecutableResource>>();
        foreach (var exporter in exporters)
        {
            var (debian, package) = exporter.Debian;
            var setting = $"{MonitoringSettings.Section}:{exporter.SettingName}";
            var program = builder.Configuration[setting] is { Length: > 0 } configured ? configured : debian;
            var resource = builder.AddExecutable(exporter.ResourceName, "/bin/sh", workingDirectory)
                .WithArgs([.. MonitoringProgram.Arguments(program, debian, package, setting, Arguments(exporter, run))])
                .WithHttpEndpoint(port: exporter.Port, targetPort: exporter.Port, name: MonitoringResourceExtensions.HttpEndpoint, isProxied: false)
                .WithUrlForEndpoint(MonitoringResourceExtensions.HttpEndpoint, url => { url.Url = $"http://{exporter.Address}/metrics"; url.DisplayText = "Exporter metrics"; });
            if (exporter.Server is { } server)
            {
                WithCredentials(builder, resource, exporter, server, run);
                // Its server healthy and the Provisioner done (it creates the account): no failed login at start, which
                // would count as an attack in the failed-login figures.
                resource.WaitFor(estate.Servers.Single(s => s.Resource.Name == server.Name)).WaitForCompletion(provisioner);
            }
            else
            {
                foreach (var each in estate.Servers) resource.WaitFor(each);
            }
            LoopbackHttpHealthCheck.Attach(resource, exporter.Port, "/metrics");
            resources.Add(resource);
        }
        return resources;
    }

    private static IEnumerable<string> Arguments(LocalExporter exporter, EstateRuntime run)
    {
        var listen = $"--web.listen-address={exporter.Address}";
        return exporter.Job switch
        {
            // TLS to 127.0.0.1 with the local CA: Go reads extra roots from SSL_CERT_FILE (set below).
            MonitoringLayout.RedisJob => [$"--redis.addr=rediss://{Endpoint(exporter, run)}", $"--tls-ca-cert-file={run.CaCertificatePath}", listen],
            // This machine's filesystems, CPU and memory; the textfile collector has no directory here.
            // (systemd's collector needs systemd's bus, which a developer machine or container may not have).
            MonitoringLayout.NodeJob => [listen, "--no-collector.textfile", "--no-collector.systemd"],
            _ => [listen],
        };
    }

    private static void WithCredentials(IDistributedApplicationBuilder builder, IResourceBuilder<ExecutableResource> resource, LocalExporter exporter,
        ServerSpec server, EstateRuntime run)
    {
        var secretName = MonitoringSecrets.AccountPassword(server);
        var password = builder.AddParameter($"{server.Name}-monitor-password", () => run.SecretValue(secretName), secret: true);
        var account = run.Estate.Monitoring.Account;
        var endpoint = Endpoint(exporter, run);
        switch (exporter.Job)
        {
            case MonitoringLayout.MysqldJob:
                // go-sql-driver's DSN; tls=true verifies the server certificate against the roots of SSL_CERT_FILE.
                resource.WithEnvironment("DATA_SOURCE_NAME", ReferenceExpression.Create($"{account}:{password.Resource}@tcp({endpoint})/?tls=true"))
                    .WithEnvironment("SSL_CERT_FILE", run.CaCertificatePath);
                break;
            case MonitoringLayout.PostgresJob:
                resource.WithEnvironment("DATA_SOURCE_URI", $"{endpoint}/postgres?sslmode=verify-full&sslrootcert={run.CaCertificatePath}")
                    .WithEnvironment("DATA_SOURCE_USER", account)
                    .WithEnvironment("DATA_SOURCE_PASS", password.Resource);
                break;
            case MonitoringLayout.RedisJob:
                resource.WithEnvironment("REDIS_USER", account).WithEnvironment("REDIS_PASSWORD", password.Resource);
                break;
        }
    }

    private static string Endpoint(LocalExporter exporter, EstateRuntime run)
    {
        var (host, port) = run.Address(exporter.Server!);
        return $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";
    }
}
