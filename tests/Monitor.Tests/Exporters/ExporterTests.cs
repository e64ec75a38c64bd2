using Aspire.Hosting;
using Aspire.Hosting.Testing;
using MySqlConnector;
using Npgsql;
using Rollout.AppHost.Hosting;
using Rollout.Monitor.Tests.Alerting;
using Rollout.Monitor.Tests.Fixtures;
using Rollout.ServiceDefaults.Connections;
using Rollout.Topology.Model;
using Rollout.Topology.Secrets;

namespace Rollout.Monitor.Tests.Exporters;

/// <summary>
/// The standard exporters as AppHost resources on the monitored estate: each logged in over TLS with its own
/// least-privilege monitoring account (created by the Provisioner), scraped by the local Prometheus; what the accounts
/// cannot do; drift of a revoked privilege; and an exporter that cannot log in shows as down while the estate runs on.
/// </summary>
[Collection(MonitoredEstateCollection.Name)]
public sealed class ExporterTests(MonitoredEstate estate)
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(45);

    private static readonly string[] Exporters = ["external-mariadb-exporter", "external-postgres-exporter", "redis-exporter", "node-exporter"];

    private string Account => estate.Estate.Monitoring.Account;

    private async Task<Secret> PasswordAsync(string server) =>
        (await estate.Secrets.GetAsync(MonitoringSecrets.AccountPassword(estate.Estate.Server(server)), CancellationToken.None))!;

    [Fact]
    public async Task Prometheus_scrapes_every_exporter_logged_in_with_its_monitoring_account()
    {
        foreach (var name in Exporters) await estate.Host.WaitForHealthyAsync(name, CancellationToken.None);

        await ExporterQueries.WaitForValueAsync(estate.PrometheusUrl, "mysql_up", "external-mariadb", 1, Soon);
        await ExporterQueries.WaitForValueAsync(estate.PrometheusUrl, "pg_up", "external-postgres", 1, Soon);
        await ExporterQueries.WaitForValueAsync(estate.PrometheusUrl, "redis_up", "redis", 1, Soon);
        await ExporterQueries.WaitForValueAsync(estate.PrometheusUrl, "up{job=\"node\"}", "localhost", 1, Soon);
        // The metrics the generated rules use, and every default collector succeeding with the least privileges.
        Assert.NotEmpty(await ExporterQueries.QueryAsync(estate.PrometheusUrl, "node_filesystem_avail_bytes"));
        Assert.NotEmpty(await ExporterQueries.QueryAsync(estate.PrometheusUrl, "mysql_global_variables_max_connections{server=\"external-mariadb\"}"));
        Assert.NotEmpty(await ExporterQueries.QueryAsync(estate.PrometheusUrl, "pg_settings_max_connections{server=\"external-postgres\"}"));
        await ExporterQueries.WaitForValueAsync(estate.PrometheusUrl, "mysql_exporter_last_scrape_error", "external-mariadb", 0, Soon);
        await ExporterQueries.WaitForValueAsync(estate.PrometheusUrl, "pg_exporter_last_scrape_error", "external-postgres", 0, Soon);

        // The Plesk replica has no exporter (it is never altered); the local prometheus.yml lists the four exporters.
        var targets = await ExporterQueries.QueryAsync(estate.PrometheusUrl, "up");
        Assert.DoesNotContain(targets, t => t.Labels.GetValueOrDefault("server") == "plesk");
        var configuration = await File.ReadAllTextAsync(new MonitoringFiles(estate.StateDirectory).PrometheusConfig);
        foreach (var name in Exporters)
            Assert.Contains($"127.0.0.1:{estate.Host.App.GetEndpoint(name, MonitoringResourceExtensions.HttpEndpoint).Port}", configuration);

        // No monitoring password in any file of the monitoring stack, in resources.json or in any exporter's console.
        var files = Directory.EnumerateFiles(new MonitoringFiles(estate.StateDirectory).Directory, "*.yml", SearchOption.AllDirectories)
            .Append(Path.Combine(estate.StateDirectory, "resources.json")).ToList();
        foreach (var server in new[] { "external-mariadb", "external-postgres", "redis" })
        {
            var password = (await PasswordAsync(server)).Reveal();
            foreach (var file in files) Assert.DoesNotContain(password, await File.ReadAllTextAsync(file));
            foreach (var name in Exporters) Assert.DoesNotContain(password, await estate.Host.ConsoleLogAsync(name));
        }
    }

    [Fact]
    public async Task Monitoring_accounts_read_no_table_of_any_database()
    {
        await estate.AdminAsync("external-mariadb", "CREATE TABLE IF NOT EXISTS mo_crm.monitoring_canary (secret INT)");
        await estate.AdminAsync("external-postgres", "CREATE TABLE IF NOT EXISTS public.monitoring_canary (secret INT)");
        try
        {
            var mariaDb = estate.Binding.Servers["external-mariadb"];
            await using (var connection = DatabaseConnectionFactory.MariaDb(mariaDb, Account, await PasswordAsync("external-mariadb"), null, new ConnectionOptions(Pooling: false)))
            {
                await connection.OpenAsync();
                foreach (var sql in new[] { "SELECT * FROM mo_crm.monitoring_canary", "SELECT * FROM performance_schema.accounts", "SELECT * FROM mysql.global_priv" })
                {
                    await using var command = new MySqlCommand(sql, connection);
                    var denied = await Assert.ThrowsAsync<MySqlException>(() => command.ExecuteScalarAsync());
                    Assert.Equal(MySqlErrorCode.TableAccessDenied, denied.ErrorCode);
                }
            }

            var postgres = estate.Binding.Servers["external-postgres"];
            var pgPassword = await PasswordAsync("external-postgres");
            await using (var connection = DatabaseConnectionFactory.PostgreSql(postgres, Account, pgPassword, "postgres", new ConnectionOptions(Pooling: false)))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT * FROM public.monitoring_canary", connection);
                var denied = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
            }
            // A managed database is out of reach: pg_hba admits the monitoring role to postgres only.
            await using (var connection = DatabaseConnectionFactory.PostgreSql(postgres, Account, pgPassword, "mo_idp", new ConnectionOptions(Pooling: false)))
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
                Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, refused.SqlState);
            }

            var redis = estate.Binding.Servers["redis"];
            var replies = await ExporterQueries.RedisAsync(redis.Host, redis.Port, estate.Host.CaCertificatePath,
                ["AUTH", Account, (await PasswordAsync("redis")).Reveal()], ["INFO", "server"], ["SET", "monitoring_canary", "x"], ["GET", "mo_session"]);
            Assert.Equal("+OK", replies[0]);
            Assert.StartsWith("# Server", replies[1]);
            Assert.StartsWith("-NOPERM", replies[2]);
            Assert.StartsWith("-NOPERM", replies[3]);
        }
        finally
        {
            await estate.AdminAsync("external-mariadb", "DROP TABLE IF EXISTS mo_crm.monitoring_canary");
            await estate.AdminAsync("external-postgres", "DROP TABLE IF EXISTS public.monitoring_canary");
        }
    }

    [Fact]
    public async Task Drift_reports_a_revoked_monitoring_privilege_and_apply_restores_it()
    {
        var host = estate.Binding.AppServerIp.ToString();
        await estate.AdminAsync("external-mariadb", $"REVOKE PROCESS ON *.* FROM '{Account}'@'{host}'");
        await estate.AdminAsync("external-postgres", $"REVOKE pg_monitor FROM {Account}");

        var drift = await estate.ProvisionerAsync("drift");
        Assert.True(drift.ExitCode == 2, drift.All);
        Assert.Contains($"{Account}@{host}", drift.Output);
        // Planned like every operational account (Provisioner/Planning/OperationalAccountPlanner).
        Assert.Contains($"monitoring account {Account}@{host} misses PROCESS", drift.Output);
        Assert.Contains($"monitoring account {Account} misses pg_monitor", drift.Output);

        var apply = await estate.ProvisionerAsync("apply");
        Assert.True(apply.ExitCode == 0, apply.All);
        var after = await estate.ProvisionerAsync("drift");
        Assert.True(after.ExitCode == 0, after.All);
    }

    [Fact]
    public async Task An_exporter_that_cannot_log_in_is_down_and_alerts_while_the_estate_runs_on()
    {
        var host = estate.Binding.AppServerIp.ToString();
        await ExporterQueries.WaitForValueAsync(estate.PrometheusUrl, "mysql_up", "external-mariadb", 1, Soon);
        // The password changed by hand: the exporter's login fails from the next scrape on.
        await estate.AdminAsync("external-mariadb", $"ALTER USER '{Account}'@'{host}' IDENTIFIED BY 'changed-by-hand'");
        try
        {
            await ExporterQueries.WaitForValueAsync(estate.PrometheusUrl, "mysql_up", "external-mariadb", 0, Soon);
            // The monitoring's own rule picks it up (pending for its 5 minutes, then firing); the exporter itself stays up.
            await PrometheusQueries.WaitForAsync(estate.PrometheusUrl, "ALERTS{alertname=\"MonitoringTargetDown\",job=\"mysqld\"}", "\"server\":\"external-mariadb\"", Soon);
            await ExporterQueries.WaitForValueAsync(estate.PrometheusUrl, "up{job=\"mysqld\"}", "external-mariadb", 1, Soon);
            await estate.Host.WaitForHealthyAsync("external-mariadb", CancellationToken.None);
            var probe = await estate.MonitorAsync("once");
            Assert.True(probe.ExitCode == 0, probe.All);

            // JSON: the table would wrap the reason.
            var drift = await estate.ProvisionerAsync("drift", "--output", "json");
            Assert.Contains($"password of the monitoring account {Account}@{host} differs from secret EXTERNAL_MARIADB_MONITOR_PASS", drift.Output);
        }
        finally
        {
            var apply = await estate.ProvisionerAsync("apply");
            Assert.True(apply.ExitCode == 0, apply.All);
        }
        await ExporterQueries.WaitForValueAsync(estate.PrometheusUrl, "mysql_up", "external-mariadb", 1, Soon);
    }
}
