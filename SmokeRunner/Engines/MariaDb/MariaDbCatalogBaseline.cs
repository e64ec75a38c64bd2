using System.Diagnostics;
using MySqlConnector;
using Rollout.ServiceDefaults.Connections;
using Rollout.SmokeRunner.Checks;
using Rollout.Topology.Binding;

namespace Rollout.SmokeRunner.Engines.MariaDb;

/// <summary>
/// The MariaDB baseline read from the grant catalogs with the environment's admin account (a read-only session),
/// in one round trip: accounts (mysql.global_priv), role grants, and every privilege of every account. Also for an
/// existing server (Plesk) when the environment binds an admin for it; its users may hold a subset of the plan's list.
/// </summary>
public static class MariaDbCatalogBaseline
{
    public const string NoAnonymous = "no anonymous users";
    public const string NoRemoteRoot = "no remote root";
    public const string BoundHosts = "service users bound to the app server";
    public const string SecureTransport = "require_secure_transport ON";
    public const string RequireSsl = "service users REQUIRE SSL";
    public const string PlanPrivileges = "only the plan's privileges";
    public static readonly string[] Items = [NoAnonymous, NoRemoteRoot, BoundHosts, SecureTransport, RequireSsl, PlanPrivileges];

    private static readonly HashSet<string> LocalRootHosts = ["localhost", "127.0.0.1", "::1"];

    private const string CatalogQuery = """
        SELECT User, Host, COALESCE(JSON_VALUE(Priv, '$.ssl_type'), '0'), COALESCE(JSON_VALUE(Priv, '$.is_role'), 'false') FROM mysql.global_priv;
        SELECT @@global.require_secure_transport;
        SELECT GRANTEE, NULL, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES
        UNION ALL SELECT GRANTEE, TABLE_SCHEMA, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.SCHEMA_PRIVILEGES;
        SELECT GRANTEE, CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES
        UNION ALL SELECT GRANTEE, CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, '.', COLUMN_NAME), PRIVILEGE_TYPE FROM information_schema.COLUMN_PRIVILEGES;
        SELECT User, Host, Role FROM mysql.roles_mapping;
        """;

    private sealed record Account(string User, string Host, int SslType, bool IsRole);

    public static async Task<IReadOnlyList<CheckResult>> CheckAsync(SmokeContext context, ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var accounts = new List<Account>();
        var held = new List<HeldPrivilege>();
        var fineGrained = new List<(string User, string Host, string On, string Privilege)>();
        var roles = new List<(string User, string Host, string Role)>();
        bool secureTransport;
        try
        {
            // Read-only: the same session the Provisioner uses on an existing server, and all this baseline needs anywhere.
            await using var connection = (MySqlConnection)await DatabaseConnectionFactory.OpenReadOnlyAdminAsync(endpoint, null, SmokeSettings.Connection, cancellationToken);
            await using var command = new MySqlCommand(CatalogQuery, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                accounts.Add(new Account(reader.GetString(0), reader.GetString(1), int.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(3) == "true"));
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            secureTransport = Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) == 1;
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                if (MariaDbPrivileges.ParseGrantee(reader.GetString(0)) is { } grantee)
                    held.Add(new HeldPrivilege(grantee.User, grantee.Host, reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetString(3) == "YES"));
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                if (MariaDbPrivileges.ParseGrantee(reader.GetString(0)) is { } grantee)
                    fineGrained.Add((grantee.User, grantee.Host, reader.GetString(1), reader.GetString(2)));
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                roles.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return BaselineItem.Unreadable(Items, endpoint.Name, watch.Elapsed,
                $"cannot read the grant catalogs as {endpoint.AdminUser} on {endpoint}: {MariaDbSmokeEngine.Instance.Describe(e)}");
        }

        var server = endpoint.Name;
        var elapsed = watch.Elapsed;
        var databases = context.Binding.DatabasesOn(server).ToList();
        var serviceUsers = databases.Select(d => d.User).ToHashSet();
        var logins = accounts.Where(a => !a.IsRole).ToList();
        var results = new List<CheckResult>
        {
            BaselineItem.From(NoAnonymous, server, elapsed,
                logins.Where(a => a.User.Length == 0).Select(a => $"anonymous account ''@'{a.Host}' exists (DROP USER ''@'{a.Host}')").ToList(),
                "no account with an empty user name"),
            BaselineItem.From(NoRemoteRoot, server, elapsed,
                logins.Where(a => a.User == "root" && !LocalRootHosts.Contains(a.Host)).Select(a => $"root@'{a.Host}' can log in from another host").ToList(),
                "root only at localhost, 127.0.0.1, ::1"),
        };

        var hostProblems = new List<string>();
        foreach (var database in databases)
        {
            var expected = database.UserHost ?? context.Binding.AppServerIp.ToString();
            // On an existing server the apps run on that host: its userHost (localhost) and the app server's address are one machine.
            var allowed = endpoint.Server.Existing ? new HashSet<string> { expected, context.Binding.AppServerIp.ToString() } : [expected];
            var mine = logins.Where(a => a.User == database.User).ToList();
            if (mine.Count == 0) hostProblems.Add($"{database.User} does not exist (expected {database.User}@'{expected}')");
            foreach (var account in mine.Where(a => !allowed.Contains(a.Host)))
                hostProblems.Add(account.Host.Contains('%', StringComparison.Ordinal)
                    ? $"{account.User}@'{account.Host}' accepts logins from any matching host"
                    : $"{account.User}@'{account.Host}' exists besides the expected host '{expected}'");
        }
        results.Add(BaselineItem.From(BoundHosts, server, elapsed, hostProblems,
            $"{databases.Count} service users, each only at its app server host"));
        results.Add(BaselineItem.From(SecureTransport, server, elapsed,
            secureTransport ? [] : ["require_secure_transport is OFF: unencrypted connections are allowed for users without REQUIRE SSL"],
            "require_secure_transport = ON"));
        results.Add(BaselineItem.From(RequireSsl, server, elapsed,
            logins.Where(a => serviceUsers.Contains(a.User) && a.SslType == 0).Select(a => $"{a.User}@'{a.Host}' has no REQUIRE SSL").ToList(),
            "every service account has REQUIRE SSL (or stricter)"));

        var privilegeProblems = new List<string>();
        foreach (var database in databases)
            privilegeProblems.AddRange(MariaDbPrivileges.Problems(database.User, database.Name,
                held.Where(p => p.User == database.User).ToList(), context.Binding.Estate.Grants.MariaDb, exact: !endpoint.Server.Existing));
        privilegeProblems.AddRange(fineGrained.Where(f => serviceUsers.Contains(f.User))
            .Select(f => $"{f.User} holds table/column-level {f.Privilege} on {f.On} (the plan grants on `db`.* only)"));
        privilegeProblems.AddRange(roles.Where(r => serviceUsers.Contains(r.User))
            .Select(r => $"{r.User}@'{r.Host}' is granted role {r.Role}"));
        results.Add(BaselineItem.From(PlanPrivileges, server, elapsed, privilegeProblems,
            endpoint.Server.Existing
                ? "each service user holds no global privilege and nothing beyond the plan's list on its own database"
                : $"each service user holds exactly {string.Join(", ", context.Binding.Estate.Grants.MariaDb)} on its own database"));
        return results;
    }
}
