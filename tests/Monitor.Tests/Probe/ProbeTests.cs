using System.Security.Cryptography.X509Certificates;
using MySqlConnector;
using Rollout.Monitor.Cli;
using Rollout.Monitor.Tests.Fixtures;
using Rollout.ServiceDefaults.Connections;
using Rollout.Topology.Model;

namespace Rollout.Monitor.Tests.Probe;

/// <summary>The probe against the provisioned local estate: what it measures, and that it sees each kind of fault.</summary>
[Collection(MonitoredEstateCollection.Name)]
public sealed class ProbeTests(MonitoredEstate estate)
{
    [Fact]
    public async Task Every_database_answers_its_service_user_over_tls_and_the_latency_is_exported()
    {
        var run = await estate.MonitorAsync("once");

        Assert.True(run.ExitCode == 0, run.All);
        foreach (var database in estate.Binding.Databases)
        {
            Assert.Equal(1, Exposition.Value(run.Output, "rollout_database_up", ("server", database.ServerName), ("database", database.Name)));
            var seconds = Exposition.Value(run.Output, "rollout_database_select_seconds", ("database", database.Name));
            Assert.InRange(seconds!.Value, 0.000001, 10);
        }
        Assert.DoesNotContain("rollout_database_probe_failures_total{", run.Output);
    }

    [Fact]
    public async Task Each_servers_certificate_expiry_is_read_through_its_protocols_starttls()
    {
        var run = await estate.MonitorAsync("once");

        foreach (var server in estate.Binding.Servers.Values)
        {
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(estate.StateDirectory, "tls", server.Name + ".crt"));
            var expected = new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds();
            Assert.Equal(1, Exposition.Value(run.Output, "rollout_server_certificate_probe_up", ("server", server.Name)));
            Assert.Equal(expected, Exposition.Value(run.Output, "rollout_server_certificate_expiry_timestamp_seconds", ("server", server.Name)));
        }
    }

    [Fact]
    public async Task Tls_ratio_is_exported_per_sql_server_and_failed_logins_come_from_the_servers_counters()
    {
        var before = await estate.MonitorAsync("once");
        var failedBefore = Exposition.Value(before.Output, "rollout_failed_logins_total", ("server", "external-mariadb"))!.Value;

        // Three logins with a wrong password, as an attacker guessing would make them.
        var endpoint = estate.Binding.Servers["external-mariadb"];
        for (var i = 0; i < 3; i++)
        {
            await using var connection = DatabaseConnectionFactory.MariaDb(endpoint, "svc_crm", new Secret("not-the-password-" + i), "mo_crm", new ConnectionOptions(Pooling: false));
            await Assert.ThrowsAsync<MySqlException>(() => connection.OpenAsync());
        }
        var after = await estate.MonitorAsync("once");

        Assert.True(Exposition.Value(after.Output, "rollout_failed_logins_total", ("server", "external-mariadb")) >= failedBefore + 3, after.Output);
        foreach (var server in estate.Binding.Servers.Values.Where(s => s.Server.IsDatabaseServer))
            Assert.InRange(Exposition.Value(after.Output, "rollout_tls_connection_ratio", ("server", server.Name))!.Value, 0.01, 1);
        // PostgreSQL sessions are all TLS (pg_hba admits hostssl only): the probe's own session proves the ratio is measured.
        Assert.Equal(1, Exposition.Value(after.Output, "rollout_tls_connection_ratio", ("server", "external-postgres")));
    }

    [Fact]
    public async Task A_password_changed_by_hand_shows_as_a_failed_login_of_that_database_only()
    {
        var stored = (await estate.Secrets.GetAsync("PG_GRAFANA_DB_PASS", default))!;
        await estate.AdminAsync("external-postgres", "ALTER ROLE svc_grafana PASSWORD 'changed-by-hand-Xq7'");
        try
        {
            var run = await estate.MonitorAsync("once");

            Assert.Equal(MonitorCli.Failed, run.ExitCode);
            Assert.Equal(0, Exposition.Value(run.Output, "rollout_database_up", ("database", "mo_grafana")));
            Assert.Equal(1, Exposition.Value(run.Output, "rollout_database_probe_failures_total", ("database", "mo_grafana"), ("reason", "auth")));
            Assert.Equal(1, Exposition.Value(run.Output, "rollout_database_up", ("database", "mo_idp")));
            Assert.Contains("mo_grafana (svc_grafana@external-postgres) failed: auth", run.Error);
            foreach (var secret in await estate.SecretValuesAsync().ContinueWith(t => t.Result.Append("changed-by-hand-Xq7")))
                Assert.DoesNotContain(secret, run.All);
        }
        finally
        {
            await estate.AdminAsync("external-postgres", $"ALTER ROLE svc_grafana PASSWORD '{stored.Reveal().Replace("'", "''", StringComparison.Ordinal)}'");
        }
        Assert.Equal(0, (await estate.MonitorAsync("once")).ExitCode);
    }

    [Fact]
    public async Task A_stopped_server_shows_every_database_on_it_down_and_its_certificate_unreadable()
    {
        await estate.StopServerAsync("external-postgres");
        try
        {
            var run = await estate.MonitorAsync("once", "--timeout", "00:00:03");

            Assert.Equal(MonitorCli.Failed, run.ExitCode);
            foreach (var database in estate.Binding.DatabasesOn("external-postgres"))
            {
                Assert.Equal(0, Exposition.Value(run.Output, "rollout_database_up", ("database", database.Name)));
                Assert.Equal(1, Exposition.Value(run.Output, "rollout_database_probe_failures_total", ("database", database.Name), ("reason", "refused")));
            }
            Assert.Equal(0, Exposition.Value(run.Output, "rollout_server_certificate_probe_up", ("server", "external-postgres")));
            Assert.All(estate.Binding.DatabasesOn("external-mariadb"),
                d => Assert.Equal(1, Exposition.Value(run.Output, "rollout_database_up", ("database", d.Name))));
        }
        finally
        {
            await estate.StartServerAsync("external-postgres");
        }
    }
}
