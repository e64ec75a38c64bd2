using Rollout.Provisioner.Tests.Infrastructure;

namespace Rollout.Provisioner.Tests.Integration;

[Collection(StackCollection.Name)]
public sealed class IsolationTests(ProvisionerStack stack) : IAsyncLifetime
{
    public Task InitializeAsync() => stack.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Each_service_user_logs_in_with_a_real_client_over_tls_only_and_to_its_own_database_only()
    {
        var apply = await stack.LocalAsync("apply");
        Assert.True(apply.ExitCode == 0, apply.All);

        var mariadb = stack.Estate.DatabasesOn(ProvisionerStack.MariaDbName).ToList();
        foreach (var database in mariadb)
        {
            var password = (await stack.Secrets.GetAsync(database.PasswordSecretName, default))!;
            Assert.Equal(44, password.Reveal().Length); // 32 random bytes, base64
            var own = await Logins.MariaDbAsync(stack, stack.MariaDb, database.User, password, database.Name);
            Assert.True(own.ExitCode == 0, $"{database.User}: {own.Error}");
            Assert.Equal($"{database.User}@127.0.0.1", own.Output.Trim());

            var other = mariadb.First(d => d.Name != database.Name);
            var foreign = await Logins.MariaDbAsync(stack, stack.MariaDb, database.User, password, other.Name);
            Assert.NotEqual(0, foreign.ExitCode);
            Assert.Contains("Access denied", foreign.Error);

            var plain = await Logins.MariaDbAsync(stack, stack.MariaDb, database.User, password, database.Name, tls: false);
            Assert.NotEqual(0, plain.ExitCode);
        }
        var sslTypes = await stack.MariaDbAdminAsync(stack.MariaDb, "SELECT DISTINCT JSON_VALUE(Priv, '$.ssl_type') FROM mysql.global_priv WHERE User LIKE 'svc\\_%'");
        Assert.Equal("1", sslTypes.Trim()); // REQUIRE SSL on every account, not only the server-wide require_secure_transport

        var postgres = stack.Estate.DatabasesOn(ProvisionerStack.PostgreSqlName).ToList();
        foreach (var database in postgres)
        {
            var password = (await stack.Secrets.GetAsync(database.PasswordSecretName, default))!;
            var own = await Logins.PostgreSqlAsync(stack, database.User, password, database.Name);
            Assert.True(own.ExitCode == 0, $"{database.User}: {own.Error}");
            Assert.Equal($"{database.User} true", own.Output.Trim());

            // pg_hba (the production rules) refuses these before any ACL is read: the Provisioner's REVOKEs are
            // asserted on the catalog in the test below.
            foreach (var other in postgres.Where(d => d.Name != database.Name).Select(d => d.Name).Append("postgres").Append("template1"))
            {
                var foreign = await Logins.PostgreSqlAsync(stack, database.User, password, other);
                Assert.NotEqual(0, foreign.ExitCode);
                Assert.Contains($"pg_hba.conf rejects connection for host \"127.0.0.1\", user \"{database.User}\", database \"{other}\", SSL encryption", foreign.Error);
            }
            var plain = await Logins.PostgreSqlAsync(stack, database.User, password, database.Name, tls: false);
            Assert.NotEqual(0, plain.ExitCode);
        }
    }

    [Fact]
    public async Task PostgreSql_databases_have_the_estates_locale_owner_extensions_and_no_public_access_nor_do_the_shared_ones()
    {
        Assert.Equal(0, (await stack.LocalAsync("apply")).ExitCode);
        var rows = await stack.PostgresAsync("SELECT datname, datcollate, datctype, pg_get_userbyid(datdba), datacl::text FROM pg_database WHERE datname LIKE 'mo\\_%' ORDER BY 1");
        // Besides the owner only the backup system's read-only dump role may connect (CONNECT, nothing else).
        Assert.Contains("mo_idp|de_AT.UTF-8|de_AT.UTF-8|svc_idp|{svc_idp=CTc/svc_idp,rollout_backup=c/svc_idp}", rows);
        Assert.Contains("mo_grafana|en_US.UTF-8|en_US.UTF-8|svc_grafana|{svc_grafana=CTc/svc_grafana,rollout_backup=c/svc_grafana}", rows);
        // PUBLIC lost CONNECT and TEMPORARY on the shared databases too: what isolates them where pg_hba would not.
        var shared = await stack.PostgresAsync("SELECT string_agg(d.datname, ',' ORDER BY d.datname) FROM pg_database d " +
            "CROSS JOIN LATERAL aclexplode(COALESCE(d.datacl, acldefault('d', d.datdba))) a " +
            "WHERE d.datname IN ('postgres', 'template1') AND a.grantee = 0 AND a.privilege_type IN ('CONNECT', 'TEMPORARY')");
        Assert.Equal("", shared.Trim());
        Assert.Equal("pgcrypto,plpgsql,uuid-ossp", (await stack.PostgresAsync("SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension", "mo_idp")).Trim());
    }
}
