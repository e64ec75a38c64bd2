using Rollout.Provisioner.Engines;
using Rollout.Provisioner.Planning;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Tests.Planning;

/// <summary>
/// The monitoring account as an operational role, on states as the catalog readers return them (the readers and the
/// statements are tested on real servers in MonitoringAccountFaultTests and ExporterTests): the engine's access, the
/// server's own database it reaches, its session cap.
/// </summary>
public sealed class MonitoringRolePlanTests
{
    private static readonly Estate Estate = EstateLoader.LoadFile(EstateLoader.Locate(AppContext.BaseDirectory));
    private static readonly Secret Password = new("monitor-password");

    private static (DesiredServer Desired, IDatabaseEngine Engine) Monitored(string server)
    {
        var spec = Estate.Server(server);
        var engine = EngineCatalog.For(spec.Engine);
        var endpoint = new ServerEndpoint(spec, "127.0.0.1", spec.DefaultPort, "rollout_admin", new Secret("x"), null);
        var account = new OperationalAccount(OperationalRole.Monitoring, engine.OperationalAccountFor("rollout_monitor", "10.0.0.5"), [],
            "EXTERNAL_MONITOR_PASS", Password, PasswordIsNew: false);
        return (new DesiredServer(endpoint, [], [], Estate.Grants) { OperationalAccounts = [account] }, engine);
    }

    private static ServerState State(IReadOnlyList<ActualAccount> accounts, IReadOnlyList<ActualGrant> grants) =>
        new(new Dictionary<string, ActualDatabase>(), accounts, grants, new AdminFacts("rollout_admin", true, new HashSet<string>(), new HashSet<string>()), new HashSet<string>(), 5);

    [Fact]
    public void A_missing_mariadb_monitoring_account_is_created_capped_and_granted_the_exporters_privileges_only()
    {
        var (desired, engine) = Monitored("external-mariadb");

        var plan = new ServerPlanner(engine, desired, State([], []), prune: false).Plan();

        Assert.All(plan, c => Assert.False(c.IsDrift));
        Assert.Equal([
            "CREATE USER IF NOT EXISTS 'rollout_monitor'@'10.0.0.5' IDENTIFIED BY PASSWORD '********' REQUIRE SSL",
            "ALTER USER 'rollout_monitor'@'10.0.0.5' WITH MAX_USER_CONNECTIONS 3",
            "GRANT PROCESS, SLAVE MONITOR ON *.* TO 'rollout_monitor'@'10.0.0.5'",
        ], plan.SelectMany(c => c.Statements).Select(s => s.Display));
    }

    [Fact]
    public void A_postgresql_monitoring_role_without_its_cap_and_its_connect_on_postgres_is_drift_and_a_surplus_membership_an_extra()
    {
        var (desired, engine) = Monitored("external-postgres");
        var role = new Account("rollout_monitor", null);
        var actual = new ActualAccount(role, false, ScramSha256Verifier.Create(Password), new HashSet<string>())
        {
            OnServer = new HashSet<string> { "pg_monitor", "pg_read_all_data" },
        };

        var plan = new ServerPlanner(engine, desired, State([actual], []), prune: false).Plan();

        var cap = Assert.Single(plan, c => c.Subject == "rollout_monitor");
        Assert.True(cap.IsDrift);
        Assert.Equal("monitoring account rollout_monitor may hold unlimited sessions, its role wants at most 3", cap.Reason);
        Assert.Equal("ALTER ROLE \"rollout_monitor\" CONNECTION LIMIT 3", Assert.Single(cap.Statements).Display);
        var connect = Assert.Single(plan, c => c.Subject == "rollout_monitor on postgres");
        Assert.True(connect.IsDrift);
        Assert.Equal("GRANT CONNECT ON DATABASE \"postgres\" TO \"rollout_monitor\"", Assert.Single(connect.Statements).Display);
        var extra = Assert.Single(plan, c => c.Subject == "rollout_monitor on the server");
        Assert.Equal(ChangeKind.Unmanaged, extra.Kind);
        Assert.Contains("pg_read_all_data beyond what it needs", extra.Reason);
    }
}
