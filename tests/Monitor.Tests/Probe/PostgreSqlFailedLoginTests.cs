using Npgsql;
using Rollout.AppHost.Hosting;
using Rollout.Monitor.Tests.Alerting;
using Rollout.Monitor.Tests.Fixtures;
using Rollout.ServiceDefaults.Connections;
using Rollout.Topology.Model;

namespace Rollout.Monitor.Tests.Probe;

/// <summary>PostgreSQL keeps no failed-login counter: the probe counts them from the server's log (--server-log).</summary>
[Collection(MonitoredEstateCollection.Name)]
public sealed class PostgreSqlFailedLoginTests(MonitoredEstate estate)
{
    private string LogFile => new Rollout.AppHost.Local.StateLayout(estate.StateDirectory).Log("external-postgres");

    private async Task<double> FailedLoginsAsync()
    {
        var run = await estate.MonitorAsync("once", "--server-log", $"external-postgres={LogFile}");
        return Exposition.Value(run.Output, "rollout_failed_logins_total", ("server", "external-postgres"))
               ?? throw new Xunit.Sdk.XunitException("no rollout_failed_logins_total for external-postgres:\n" + run.All);
    }

    [Fact]
    public async Task Wrong_passwords_and_logins_pg_hba_refuses_are_counted_from_the_servers_log()
    {
        var before = await FailedLoginsAsync();
        var endpoint = estate.Binding.Servers["external-postgres"];
        for (var i = 0; i < 2; i++)
        {
            await using var wrongPassword = DatabaseConnectionFactory.PostgreSql(endpoint, "svc_idp", new Secret("not-the-password-" + i), "mo_idp", new ConnectionOptions(Pooling: false));
            await Assert.ThrowsAsync<PostgresException>(() => wrongPassword.OpenAsync());
        }
        // svc_idp has no pg_hba line for another service's database.
        var password = (await estate.Secrets.GetAsync("PG_IDP_DB_PASS", CancellationToken.None))!;
        await using (var otherDatabase = DatabaseConnectionFactory.PostgreSql(endpoint, "svc_idp", password, "mo_grafana", new ConnectionOptions(Pooling: false)))
            await Assert.ThrowsAsync<PostgresException>(() => otherDatabase.OpenAsync());

        // The server's console reaches the log file within moments.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var after = await FailedLoginsAsync();
        while (after < before + 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            after = await FailedLoginsAsync();
        }
        Assert.True(after >= before + 3, $"failed logins {before} → {after}");
        // The probe resource counts the same log: Prometheus has the series for PostgreSQL too.
        await PrometheusQueries.WaitForAsync(estate.PrometheusUrl, "rollout_failed_logins_total{server=\"external-postgres\"} >= 3",
            "\"server\":\"external-postgres\"", TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("external-postgres", "expected <server>=<path of its log file>")]
    [InlineData("nowhere=/var/log/postgresql/postgresql-15-main.log", "no server 'nowhere' in this environment")]
    public async Task A_malformed_server_log_option_is_invalid_input(string value, string expected)
    {
        var run = await estate.MonitorAsync("once", "--server-log", value);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains(expected, run.Error);
    }
}
