using System.Net;
using System.Net.Sockets;
using Rollout.Monitor.Cli;
using Rollout.Monitor.Tests.Fixtures;

namespace Rollout.Monitor.Tests.Probe;

/// <summary>The probe as a service (/metrics over HTTP on loopback) and the backup age it reads from the Backup worker's file.</summary>
[Collection(MonitoredEstateCollection.Name)]
public sealed class ServeAndBackupTests(MonitoredEstate estate) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rollout-monitor-backup-").FullName;

    [Fact]
    public async Task Run_serves_the_metrics_over_http_on_loopback_until_stopped()
    {
        var port = FreePort();
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var run = MonitorCli.RunAsync(["run", "--listen", $"127.0.0.1:{port}", "--interval", "00:00:01",
            "--env", "local", "--estate", estate.EstatePath, "--state-dir", estate.StateDirectory], output, output, stop.Token);
        try
        {
            using var http = new HttpClient();
            string body = "";
            for (var attempt = 0; attempt < 40 && !body.Contains("rollout_database_up{", StringComparison.Ordinal); attempt++)
            {
                await Task.Delay(250);
                try
                {
                    body = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }
            Assert.Equal(1, Exposition.Value(body, "rollout_database_up", ("database", "mo_crm")));
            Assert.Contains($"monitor: serving http://127.0.0.1:{port}/metrics", output.ToString());
        }
        finally
        {
            await stop.CancelAsync();
        }
        Assert.Equal(MonitorCli.Success, await run);
    }

    [Fact]
    public async Task A_taken_port_fails_with_exit_1_naming_the_way_out()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await estate.MonitorAsync("run", "--listen", $"127.0.0.1:{port}");

        Assert.Equal(MonitorCli.Failed, result.ExitCode);
        Assert.Contains("--listen", result.Error);
    }

    [Fact]
    public async Task The_last_success_per_database_and_tier_gives_its_age_and_unknown_databases_are_ignored()
    {
        var now = DateTimeOffset.UtcNow;
        // The format the Backup worker writes (Backup/Scheduling/LastSuccessFile): only successes are recorded.
        var status = Path.Combine(_directory, "last-success.json");
        await File.WriteAllTextAsync(status, $$"""
            { "mo_crm": { "daily": "{{now.AddHours(-6):O}}", "weekly": "{{now.AddDays(-2):O}}" },
              "mo_idp": { "weekly": "{{now.AddDays(-3):O}}" },
              "mo_unknown": { "daily": "{{now:O}}" } }
            """);

        var run = await estate.MonitorAsync("once", "--backup-status", status);

        Assert.Equal(1, Exposition.Value(run.Output, "rollout_backup_status_up"));
        Assert.InRange(Exposition.Value(run.Output, "rollout_backup_age_seconds", ("database", "mo_crm"), ("tier", "daily"))!.Value, 6 * 3600 - 5, 6 * 3600 + 120);
        Assert.Equal(now.AddHours(-6).ToUnixTimeSeconds(), Exposition.Value(run.Output, "rollout_backup_newest_timestamp_seconds", ("database", "mo_crm"), ("tier", "daily")));
        Assert.InRange(Exposition.Value(run.Output, "rollout_backup_age_seconds", ("database", "mo_crm"), ("tier", "weekly"))!.Value, 2 * 86400 - 5, 2 * 86400 + 120);
        Assert.InRange(Exposition.Value(run.Output, "rollout_backup_age_seconds", ("database", "mo_idp"), ("tier", "weekly"))!.Value, 3 * 86400 - 5, 3 * 86400 + 120);
        Assert.DoesNotContain("mo_unknown", run.Output);
    }

    [Fact]
    public async Task A_malformed_backup_status_file_shows_as_status_down_and_the_databases_are_still_probed()
    {
        var status = Path.Combine(_directory, "last-success.json");
        await File.WriteAllTextAsync(status, "{ \"mo_crm\": { \"daily\": ");

        var run = await estate.MonitorAsync("once", "--backup-status", status);

        Assert.Equal(MonitorCli.Success, run.ExitCode);
        Assert.Equal(0, Exposition.Value(run.Output, "rollout_backup_status_up"));
        Assert.Equal(1, Exposition.Value(run.Output, "rollout_database_up", ("database", "mo_crm")));
    }

    [Fact]
    public async Task A_database_whose_password_secret_is_missing_is_down_with_reason_missing_secret()
    {
        // A copy of the state directory (endpoints and secrets) without mo_idp's password.
        foreach (var file in new[] { "resources.json", "secrets.json" })
            File.Copy(Path.Combine(estate.StateDirectory, file), Path.Combine(_directory, file));
        await Rollout.ServiceDefaults.Secrets.LocalSecretStore.InStateDirectory(_directory).RemoveAsync("PG_IDP_DB_PASS", default);
        var output = new StringWriter();

        var exit = await MonitorCli.RunAsync(["once", "--env", "local", "--estate", estate.EstatePath, "--state-dir", _directory], output, output, default);

        Assert.Equal(MonitorCli.Failed, exit);
        Assert.Equal(0, Exposition.Value(output.ToString(), "rollout_database_up", ("database", "mo_idp")));
        Assert.Equal(1, Exposition.Value(output.ToString(), "rollout_database_probe_failures_total", ("database", "mo_idp"), ("reason", "missing_secret")));
        Assert.Equal(1, Exposition.Value(output.ToString(), "rollout_database_up", ("database", "mo_grafana")));
    }

    /// <summary>A server that answers PostgreSQL's SSLRequest with 'N' (no TLS): the certificate probe must say so, never read plaintext.</summary>
    [Fact]
    public async Task A_postgresql_server_refusing_starttls_shows_its_certificate_probe_down_and_its_databases_down()
    {
        using var plaintextOnly = new TcpListener(IPAddress.Loopback, 0);
        plaintextOnly.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await plaintextOnly.AcceptTcpClientAsync();
                    var stream = client.GetStream();
                    await stream.ReadExactlyAsync(new byte[8]);
                    await stream.WriteAsync("N"u8.ToArray());
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
            {
                // The test ended and stopped the listener, or a client hung up.
            }
        });
        foreach (var file in new[] { "resources.json", "secrets.json" })
            File.Copy(Path.Combine(estate.StateDirectory, file), Path.Combine(_directory, file));
        var snapshot = await Rollout.ServiceDefaults.Local.ResourceSnapshot.ReadAsync(_directory, default);
        await (snapshot with
        {
            StateDirectory = _directory,
            Resources = snapshot.Resources.Select(r => r.Name == "external-postgres" ? r with { Port = ((IPEndPoint)plaintextOnly.LocalEndpoint).Port } : r).ToList(),
        }).WriteAsync(default);
        var output = new StringWriter();

        var exit = await MonitorCli.RunAsync(["once", "--env", "local", "--estate", estate.EstatePath, "--state-dir", _directory, "--timeout", "00:00:03"], output, output, default);

        Assert.Equal(MonitorCli.Failed, exit);
        Assert.Equal(0, Exposition.Value(output.ToString(), "rollout_server_certificate_probe_up", ("server", "external-postgres")));
        Assert.Equal(1, Exposition.Value(output.ToString(), "rollout_server_certificate_probe_up", ("server", "external-mariadb")));
        Assert.Equal(0, Exposition.Value(output.ToString(), "rollout_database_up", ("database", "mo_idp")));
        Assert.Null(Exposition.Value(output.ToString(), "rollout_tls_connection_ratio", ("server", "external-postgres")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
