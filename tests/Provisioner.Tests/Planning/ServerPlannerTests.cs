using System.Net;
using Rollout.Provisioner.Engines.MariaDb;
using Rollout.Provisioner.Engines.PostgreSql;
using Rollout.Provisioner.Planning;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Tests.Planning;

/// <summary>The diff rules on states as the catalog readers return them (the readers themselves are tested on real servers).</summary>
public sealed class ServerPlannerTests
{
    private static readonly Estate Estate = EstateLoader.LoadFile(EstateLoader.Locate(AppContext.BaseDirectory));
    private static readonly Secret Password = new("test-password");

    private static DesiredServer Desired(string server, params string[] databases)
    {
        var spec = Estate.Server(server);
        var endpoint = new ServerEndpoint(spec, "127.0.0.1", spec.DefaultPort, "rollout_admin", new Secret("x"), null);
        var dbs = databases.Select(Estate.Database).ToList();
        var engine = Rollout.Provisioner.Engines.EngineCatalog.For(spec.Engine);
        var users = dbs.Select(d => new DesiredUser(engine.AccountFor(d, "10.0.0.5"), d, Password, PasswordIsNew: false)).ToList();
        return new DesiredServer(endpoint, dbs, users, Estate.Grants);
    }

    private static ServerState MariaDbState(IEnumerable<ActualGrant> grants, params ActualAccount[] accounts) => new(
        new Dictionary<string, ActualDatabase> { ["mo_crm"] = new("mo_crm", new Dictionary<string, string> { ["charset"] = "utf8mb4", ["collation"] = "utf8mb4_unicode_ci" }, new HashSet<string>()) },
        accounts, grants.ToList(), new AdminFacts("rollout_admin", true, new HashSet<string>(), new HashSet<string>()), new HashSet<string>(), 5);

    private static readonly Account Crm = new("svc_crm", "10.0.0.5");

    private static IEnumerable<ActualGrant> Grants(Account account, string scope, IEnumerable<string> privileges) =>
        privileges.Select(p => new ActualGrant(account, "mo_crm", scope, p));

    private static ActualAccount CrmAccount(bool tls = true) =>
        new(Crm, tls, MariaDbNativePassword.Hash(Password), new HashSet<string>());

    [Fact]
    public void A_server_that_matches_the_estate_gets_an_empty_plan()
    {
        var state = MariaDbState(Grants(Crm, "mo\\_crm", Estate.Grants.MariaDb), CrmAccount());
        Assert.Empty(new ServerPlanner(new MariaDbEngine(), Desired("external-mariadb", "mo_crm"), state, prune: false).Plan());
    }

    [Fact]
    public void A_service_user_takes_the_app_server_address_as_its_host()
    {
        var plan = new ServerPlanner(new MariaDbEngine(), Desired("external-mariadb", "mo_crm"), MariaDbState([]), prune: false).Plan();
        var create = Assert.Single(plan, c => c.Object == ObjectKind.User);
        Assert.Equal("CREATE USER IF NOT EXISTS 'svc_crm'@'10.0.0.5' IDENTIFIED BY PASSWORD '********' REQUIRE SSL", create.Statements[0].Display);
        Assert.Contains("*", create.Statements[0].Text);
        Assert.DoesNotContain("test-password", create.Statements[0].Text);
    }

    [Fact]
    public void Extra_privileges_are_unmanaged_without_prune_and_revoked_with_it()
    {
        var state = MariaDbState(Grants(Crm, "mo\\_crm", [.. Estate.Grants.MariaDb, "SHOW VIEW"]), CrmAccount());
        var reported = Assert.Single(new ServerPlanner(new MariaDbEngine(), Desired("external-mariadb", "mo_crm"), state, prune: false).Plan());
        Assert.Equal(ChangeKind.Unmanaged, reported.Kind);
        Assert.False(reported.IsExecutable);

        var pruned = Assert.Single(new ServerPlanner(new MariaDbEngine(), Desired("external-mariadb", "mo_crm"), state, prune: true).Plan());
        Assert.Equal(ChangeKind.Revoke, pruned.Kind);
        Assert.Equal("REVOKE SHOW VIEW ON `mo\\_crm`.* FROM 'svc_crm'@'10.0.0.5'", pruned.Statements[0].Text);
    }

    [Fact]
    public void An_unescaped_wildcard_grant_is_not_taken_for_the_exact_one()
    {
        var state = MariaDbState(Grants(Crm, "mo_crm", Estate.Grants.MariaDb), CrmAccount());
        var plan = new ServerPlanner(new MariaDbEngine(), Desired("external-mariadb", "mo_crm"), state, prune: true).Plan();
        Assert.Contains(plan, c => c.Kind == ChangeKind.Add && c.Statements[0].Text.Contains("ON `mo\\_crm`.*", StringComparison.Ordinal));
        Assert.Contains(plan, c => c.Kind == ChangeKind.Revoke && c.Statements[0].Text.Contains("ON `mo_crm`.*", StringComparison.Ordinal));
        // the estate's additions come before the removals
        Assert.True(plan.ToList().FindIndex(c => c.Kind == ChangeKind.Add) < plan.ToList().FindIndex(c => c.Kind == ChangeKind.Revoke));
    }

    [Fact]
    public void Public_access_to_a_managed_database_is_revoked_even_without_prune()
    {
        var idp = new Account("svc_idp", null);
        var state = new ServerState(
            new Dictionary<string, ActualDatabase> { ["mo_idp"] = new("mo_idp", new Dictionary<string, string> { ["encoding"] = "UTF8", ["lc_collate"] = "de_AT.utf8", ["lc_ctype"] = "de_AT.utf8" }, new HashSet<string> { "uuid-ossp", "pgcrypto" }) },
            [new ActualAccount(idp, false, ScramSha256Verifier.Create(Password), new HashSet<string>())],
            [new ActualGrant(idp, "mo_idp", "mo_idp", "OWNER"), new ActualGrant(Account.Public, "mo_idp", "mo_idp", "CONNECT"), new ActualGrant(Account.Public, "mo_idp", "mo_idp", "TEMPORARY")],
            new AdminFacts("rollout_admin", true, new HashSet<string>(), new HashSet<string>()), new HashSet<string> { "uuid-ossp", "pgcrypto" }, 4);
        var change = Assert.Single(new ServerPlanner(new PostgreSqlEngine(), Desired("external-postgres", "mo_idp"), state, prune: false).Plan());
        Assert.Equal(ChangeKind.Revoke, change.Kind);
        Assert.True(change.IsExecutable);
        Assert.Equal("REVOKE ALL ON DATABASE \"mo_idp\" FROM PUBLIC", change.Statements[0].Text);
    }

    [Fact]
    public void A_new_PostgreSql_database_is_owned_by_its_role_and_created_from_template0_without_public_access()
    {
        var state = new ServerState(new Dictionary<string, ActualDatabase>(), [], [],
            new AdminFacts("rollout_admin", false, new HashSet<string> { "CREATEDB", "CREATEROLE" }, new HashSet<string>()), new HashSet<string> { "uuid-ossp", "pgcrypto" }, 4);
        var plan = new ServerPlanner(new PostgreSqlEngine(), Desired("external-postgres", "mo_idp"), state, prune: false).Plan();
        var sql = plan.SelectMany(c => c.Statements).Select(s => s.Display).ToList();
        Assert.Equal(
        [
            "CREATE ROLE \"svc_idp\" LOGIN PASSWORD '********'",
            "GRANT \"svc_idp\" TO \"rollout_admin\"",
            "CREATE DATABASE \"mo_idp\" OWNER \"svc_idp\" ENCODING 'UTF8' LC_COLLATE 'de_AT.UTF-8' LC_CTYPE 'de_AT.UTF-8' TEMPLATE template0",
            "REVOKE ALL ON DATABASE \"mo_idp\" FROM PUBLIC",
            "SET ROLE \"svc_idp\"",
            "CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\"",
            "RESET ROLE",
            "SET ROLE \"svc_idp\"",
            "CREATE EXTENSION IF NOT EXISTS \"pgcrypto\"",
            "RESET ROLE",
        ], sql);
        Assert.All(plan.Where(c => c.Object == ObjectKind.Extension).SelectMany(c => c.Statements), s => Assert.Equal("mo_idp", s.Database));
    }

    private static readonly Account Backup = new("rollout_backup", "10.0.0.5");

    private static DesiredServer WithBackupAccount(DesiredServer server) => server with
    {
        OperationalAccounts = [new OperationalAccount(OperationalRole.Backup, Backup, ["mo_crm"], "EXTERNAL_MARIADB_BACKUP_PASS", Password, PasswordIsNew: false)],
    };

    [Fact]
    public void An_over_privileged_backup_account_loses_the_extras_only_with_prune_and_is_never_dropped()
    {
        var backupGrants = Grants(Backup, "mo\\_crm", ["SELECT", "SHOW VIEW", "LOCK TABLES", "TRIGGER", "EVENT", "INSERT"]);
        var backup = new ActualAccount(Backup, true, MariaDbNativePassword.Hash(Password), new HashSet<string> { "PROCESS" }) { OnServer = new HashSet<string> { "SELECT ON `mysql`.`proc`" } };
        var copy = new ActualAccount(new Account("rollout_backup", "%"), true, null, new HashSet<string>());
        var state = MariaDbState([.. Grants(Crm, "mo\\_crm", Estate.Grants.MariaDb), .. backupGrants], CrmAccount(), backup, copy);
        var desired = WithBackupAccount(Desired("external-mariadb", "mo_crm"));

        var reported = new ServerPlanner(new MariaDbEngine(), desired, state, prune: false).Plan();
        Assert.All(reported, c => Assert.Equal(ChangeKind.Unmanaged, c.Kind));
        Assert.Equal(3, reported.Count); // INSERT on mo_crm, PROCESS server-wide, the '%' copy

        var pruned = new ServerPlanner(new MariaDbEngine(), desired, state, prune: true).Plan().SelectMany(c => c.Statements).Select(s => s.Text).ToList();
        Assert.Contains("REVOKE INSERT ON `mo\\_crm`.* FROM 'rollout_backup'@'10.0.0.5'", pruned);
        Assert.Contains("REVOKE PROCESS ON *.* FROM 'rollout_backup'@'10.0.0.5'", pruned);
        Assert.Contains("DROP USER IF EXISTS 'rollout_backup'@'%'", pruned);
        Assert.DoesNotContain("DROP USER IF EXISTS 'rollout_backup'@'10.0.0.5'", pruned);
    }

    [Fact]
    public void A_backup_account_without_its_password_is_only_declared_and_its_grants_are_left_alone()
    {
        var backupGrants = Grants(Backup, "mo\\_crm", ["SELECT", "SHOW VIEW", "LOCK TABLES", "TRIGGER", "EVENT"]);
        var state = MariaDbState([.. Grants(Crm, "mo\\_crm", Estate.Grants.MariaDb), .. backupGrants], CrmAccount(),
            new ActualAccount(Backup, true, null, new HashSet<string>()));
        var desired = Desired("external-mariadb", "mo_crm") with
        {
            OperationalAccounts = [new OperationalAccount(OperationalRole.Backup, Backup, ["mo_crm"], "EXTERNAL_MARIADB_BACKUP_PASS", null, PasswordIsNew: false)],
        };
        var server = new ServerPlan(desired, new ServerPlanner(new MariaDbEngine(), desired, state, prune: true).Plan(), 6);

        Assert.Empty(server.Changes);
        var note = Assert.Single(server.Notes);
        Assert.StartsWith("backup account rollout_backup@10.0.0.5 on external-mariadb: not planned, EXTERNAL_MARIADB_BACKUP_PASS is not set", note);
    }
}
