using Rollout.SmokeRunner.Tests.Fixtures;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Tests;

/// <summary>Each test breaks one thing of the provisioned estate, shows the check that guards it turn red, then repairs it.</summary>
[Collection(ProvisionedEstateCollection.Name)]
public class BreakingTests(ProvisionedEstateFixture estate)
{
    private async Task<(SmokeRunOutput Run, SmokeJson Report)> RunJsonAsync()
    {
        var run = await estate.RunSmokeAsync("--output", "json", "--parallelism", "4");
        Assert.Equal(1, run.ExitCode);
        return (run, new SmokeJson(run.Output));
    }

    [Fact]
    public async Task A_grant_on_another_database_fails_isolation_naming_the_pair()
    {
        await estate.AdminAsync("external-mariadb", @"GRANT SELECT ON `mo\_n8n`.* TO 'svc_crm'@'127.0.0.1'");
        try
        {
            var (_, report) = await RunJsonAsync();

            var row = report.Single("isolation", "other databases refused", "svc_crm");
            Assert.Equal("failed", row.Result);
            Assert.Equal("svc_crm REACHED mo_n8n", row.Detail);
            Assert.Equal("reached", report.Cell("external-mariadb", "svc_crm", "mo_n8n"));
            Assert.Equal("refused", report.Cell("external-mariadb", "svc_n8n", "mo_crm"));
            Assert.Contains("svc_crm holds privileges on mo_n8n, not its own database mo_crm", report.Single("baseline", "only the plan's privileges", "external-mariadb").Detail);
            Assert.Equal(["only the plan's privileges/external-mariadb", "other databases refused/svc_crm"],
                report.FailedBeyondLatency.Select(f => $"{f.Name}/{f.Target}").Order());
        }
        finally
        {
            await estate.AdminAsync("external-mariadb", @"REVOKE SELECT ON `mo\_n8n`.* FROM 'svc_crm'@'127.0.0.1'");
        }
    }

    [Fact]
    public async Task Dropping_REQUIRE_SSL_fails_the_baseline()
    {
        await estate.AdminAsync("external-mariadb", "ALTER USER 'svc_hooks'@'127.0.0.1' REQUIRE NONE");
        try
        {
            var (_, report) = await RunJsonAsync();

            var failed = Assert.Single(report.FailedBeyondLatency);
            Assert.Equal(("baseline", "service users REQUIRE SSL", "external-mariadb"), (failed.Kind, failed.Name, failed.Target));
            Assert.Equal("svc_hooks@'127.0.0.1' has no REQUIRE SSL", failed.Detail);
        }
        finally
        {
            await estate.AdminAsync("external-mariadb", "ALTER USER 'svc_hooks'@'127.0.0.1' REQUIRE SSL");
        }
    }

    // The local PostgreSQL has the production pg_hba: each service role is admitted to its own database only, so a
    // PUBLIC CONNECT grant opens no login and the matrix stays refused. The catalog check is what catches the grant.
    private const string NoPublicConnect = "PUBLIC without CONNECT on service and system databases";

    [Fact]
    public async Task PUBLIC_CONNECT_back_on_a_PostgreSQL_database_fails_the_baseline_while_pg_hba_still_refuses_the_logins()
    {
        await estate.AdminAsync("external-postgres", "GRANT CONNECT ON DATABASE mo_grafana TO PUBLIC");
        try
        {
            var (_, report) = await RunJsonAsync();

            var baseline = report.Single("baseline", NoPublicConnect, "external-postgres");
            Assert.Equal("failed", baseline.Result);
            Assert.StartsWith("PUBLIC has CONNECT on mo_grafana (REVOKE CONNECT, TEMPORARY ON DATABASE mo_grafana FROM PUBLIC)", baseline.Detail);
            Assert.Equal([$"{NoPublicConnect}/external-postgres"], report.FailedBeyondLatency.Select(f => $"{f.Name}/{f.Target}"));
            foreach (var user in new[] { "svc_idp", "svc_discourse" })
            {
                Assert.Equal("refused", report.Cell("external-postgres", user, "mo_grafana"));
                Assert.Contains($"28000: pg_hba.conf rejects connection for host \"127.0.0.1\", user \"{user}\", database \"mo_grafana\"",
                    report.CellDetail("external-postgres", user, "mo_grafana"));
            }
        }
        finally
        {
            await estate.AdminAsync("external-postgres", "REVOKE CONNECT ON DATABASE mo_grafana FROM PUBLIC");
        }
    }

    [Fact]
    public async Task PUBLIC_CONNECT_on_the_maintenance_database_fails_the_baseline_while_pg_hba_still_refuses_the_logins()
    {
        await estate.AdminAsync("external-postgres", "GRANT CONNECT ON DATABASE postgres TO PUBLIC");
        try
        {
            var (_, report) = await RunJsonAsync();

            var baseline = Assert.Single(report.FailedBeyondLatency);
            Assert.Equal(("baseline", NoPublicConnect, "external-postgres"), (baseline.Kind, baseline.Name, baseline.Target));
            Assert.Equal("PUBLIC has CONNECT on postgres (REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC)", baseline.Detail);
            foreach (var user in new[] { "svc_discourse", "svc_grafana", "svc_idp" })
            {
                Assert.Equal("refused", report.Cell("external-postgres", user, "postgres"));
                Assert.Contains("pg_hba.conf rejects connection", report.CellDetail("external-postgres", user, "postgres"));
            }
        }
        finally
        {
            await estate.AdminAsync("external-postgres", "REVOKE CONNECT ON DATABASE postgres FROM PUBLIC");
        }
    }

    [Fact]
    public async Task An_anonymous_user_fails_the_baseline()
    {
        await estate.AdminAsync("external-mariadb", "CREATE USER ''@'localhost'");
        try
        {
            var (_, report) = await RunJsonAsync();

            var failed = Assert.Single(report.FailedBeyondLatency);
            Assert.Equal("no anonymous users", failed.Name);
            Assert.Contains("anonymous account ''@'localhost' exists", failed.Detail);
        }
        finally
        {
            await estate.AdminAsync("external-mariadb", "DROP USER ''@'localhost'");
        }
    }

    [Fact]
    public async Task A_wildcard_host_account_fails_the_foreign_address_check_and_the_baseline()
    {
        var password = (await estate.Secrets.GetAsync("MO_NEXTCLOUD_DB_PASS", CancellationToken.None))!.Reveal();
        await estate.AdminAsync("external-mariadb",
            $"CREATE USER 'svc_nextcloud'@'%' IDENTIFIED BY '{password}' REQUIRE SSL",
            @"GRANT SELECT ON `mo\_nextcloud`.* TO 'svc_nextcloud'@'%'");
        try
        {
            var (run, report) = await RunJsonAsync();

            var foreign = report.Single("isolation", "login from foreign address refused", "svc_nextcloud from 127.0.0.2");
            Assert.Equal("failed", foreign.Result);
            Assert.Contains("svc_nextcloud logged in to mo_nextcloud from 127.0.0.2", foreign.Detail);
            Assert.Contains("svc_nextcloud@'%' accepts logins from any matching host", report.Single("baseline", "service users bound to the app server", "external-mariadb").Detail);
            Assert.Equal("passed", report.Single("isolation", "login from foreign address refused", "svc_crm from 127.0.0.2").Result);
            Assert.DoesNotContain(password, run.All);
        }
        finally
        {
            await estate.AdminAsync("external-mariadb", "DROP USER 'svc_nextcloud'@'%'");
        }
    }

    [Fact]
    public async Task An_accepted_plaintext_login_fails_the_tls_check()
    {
        await estate.AdminAsync("external-mariadb", "SET GLOBAL require_secure_transport = OFF", "ALTER USER 'svc_games'@'127.0.0.1' REQUIRE NONE");
        try
        {
            var (_, report) = await RunJsonAsync();

            var plaintext = report.Single("tls", "plaintext login refused", "mo_games");
            Assert.Equal("failed", plaintext.Result);
            Assert.Contains("the server ACCEPTED an unencrypted login as svc_games", plaintext.Detail);
            Assert.Equal("passed", report.Single("tls", "plaintext login refused", "mo_crm").Result);
            Assert.Equal("failed", report.Single("baseline", "require_secure_transport ON", "external-mariadb").Result);
        }
        finally
        {
            await estate.AdminAsync("external-mariadb", "ALTER USER 'svc_games'@'127.0.0.1' REQUIRE SSL", "SET GLOBAL require_secure_transport = ON");
        }
    }

    [Fact]
    public async Task A_wrong_password_in_the_secret_store_fails_connectivity_clearly_and_prints_no_password()
    {
        var store = estate.Secrets;
        var real = (await store.GetAsync("PG_GRAFANA_DB_PASS", CancellationToken.None))!;
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        await store.SetAsync("PG_GRAFANA_DB_PASS", new Secret(wrong), CancellationToken.None);
        try
        {
            var (run, report) = await RunJsonAsync();
            var table = await estate.RunSmokeAsync();

            var connectivity = report.Single("connectivity", "login and SELECT 1", "mo_grafana");
            Assert.Equal("failed", connectivity.Result);
            Assert.Contains("login refused by external-postgres", connectivity.Detail);
            Assert.Contains("28P01: password authentication failed for user \"svc_grafana\"", connectivity.Detail);
            Assert.Contains("check the password (PG_GRAFANA_DB_PASS from local store", connectivity.Detail);
            Assert.Equal("passed", report.Single("connectivity", "login and SELECT 1", "mo_idp").Result);
            Assert.Equal(1, table.ExitCode);
            Assert.Contains("FAILED", table.Output);
            foreach (var secret in (await estate.SecretValuesAsync()).Append(real.Reveal()))
                Assert.DoesNotContain(secret, run.All + table.All);
        }
        finally
        {
            await store.SetAsync("PG_GRAFANA_DB_PASS", real, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_missing_secret_names_the_secret_and_the_store()
    {
        var store = estate.Secrets;
        var real = (await store.GetAsync("MO_VOTES_DB_PASS", CancellationToken.None))!;
        await store.RemoveAsync("MO_VOTES_DB_PASS", CancellationToken.None);
        try
        {
            var (_, report) = await RunJsonAsync();

            var connectivity = report.Single("connectivity", "login and SELECT 1", "mo_votes");
            Assert.Equal("failed", connectivity.Result);
            Assert.Contains($"secret MO_VOTES_DB_PASS (password of svc_votes) is not in local store {estate.StateDirectory}", connectivity.Detail);
            Assert.Equal("error", report.Cell("plesk", "svc_votes", "mo_main"));
        }
        finally
        {
            await store.SetAsync("MO_VOTES_DB_PASS", real, CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_latency_threshold_comes_from_rollout_yaml()
    {
        var text = await File.ReadAllTextAsync(estate.EstatePath);
        Assert.Contains("latencyThresholdMs: 100", text);
        var strict = Path.Combine(Path.GetTempPath(), $"rollout-strict-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(strict, text.Replace("latencyThresholdMs: 100", "latencyThresholdMs: 1", StringComparison.Ordinal));
        try
        {
            var output = new StringWriter();
            var exit = await Cli.SmokeCli.RunAsync(["--env", "local", "--estate", strict, "--state-dir", estate.StateDirectory, "--output", "json"],
                output, new StringWriter(), CancellationToken.None);
            var report = new SmokeJson(output.ToString());

            Assert.Equal(1, exit);
            var latency = report.Single("latency", "connect + SELECT 1", "mo_crm");
            Assert.Equal("failed", latency.Result);
            Assert.Contains("over threshold", latency.Detail);
            Assert.Contains("threshold 1 ms", latency.Detail);
            Assert.All(report.Failed, f => Assert.Equal("latency", f.Kind));
        }
        finally
        {
            File.Delete(strict);
        }
    }
}
