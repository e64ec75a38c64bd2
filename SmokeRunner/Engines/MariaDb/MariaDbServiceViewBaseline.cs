using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using Rollout.SmokeRunner.Checks;
using Rollout.Topology.Binding;

namespace Rollout.SmokeRunner.Engines.MariaDb;

/// <summary>
/// The baseline of an existing server Rollout has no admin account on (the Plesk host): only what
/// each service user can see about itself — its account host, its privileges, the server's
/// require_secure_transport. Account-wide items cannot be seen and are reported as skipped.
/// </summary>
public static class MariaDbServiceViewBaseline
{
    private const string SelfQuery = """
        SELECT CURRENT_USER(), @@global.require_secure_transport;
        SELECT GRANTEE, NULL, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES
        UNION ALL SELECT GRANTEE, TABLE_SCHEMA, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.SCHEMA_PRIVILEGES;
        SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES;
        """;

    public static async Task<IReadOnlyList<CheckResult>> CheckAsync(SmokeContext context, ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var server = endpoint.Name;
        var hostProblems = new List<string>();
        bool? secureTransport = null;
        var privilegeProblems = new List<string>();
        var databases = context.Binding.DatabasesOn(server).ToList();
        if (databases.Count == 0)
        {
            // Validation refuses an existing server without databases; an environment can still leave it none (all optional,
            // none enabled). Nothing can be read through service users then, and a run must not stay red for it.
            var why = $"environment '{context.Binding.Name}' has no database on this existing server and no admin account for it: nothing to read";
            return MariaDbCatalogBaseline.Items.Select(item => BaselineItem.NotVisible(item, server, why)).ToList();
        }
        foreach (var database in databases)
        {
            try
            {
                var login = await context.Logins.ForAsync(database, cancellationToken);
                await using var connection = (MySqlConnection)MariaDbSmokeEngine.Instance.Connect(login.Endpoint, login.User, login.Password, database.Name, SmokeSettings.Connection);
                await connection.OpenAsync(cancellationToken);
                await using var command = new MySqlCommand(SelfQuery, connection);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                var currentUser = reader.GetString(0);
                var host = currentUser[(currentUser.LastIndexOf('@') + 1)..];
                if (host.Contains('%', StringComparison.Ordinal))
                    hostProblems.Add($"{database.User} logs in as {currentUser}: the account accepts any matching host");
                secureTransport = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) == 1;
                await reader.NextResultAsync(cancellationToken);
                var held = new List<HeldPrivilege>();
                while (await reader.ReadAsync(cancellationToken))
                    if (MariaDbPrivileges.ParseGrantee(reader.GetString(0)) is { } grantee)
                        held.Add(new HeldPrivilege(grantee.User, grantee.Host, reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetString(3) == "YES"));
                privilegeProblems.AddRange(MariaDbPrivileges.Problems(database.User, database.Name, held, context.Binding.Estate.Grants.MariaDb, exact: false));
                await reader.NextResultAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    privilegeProblems.Add($"{database.User} holds table-level {reader.GetString(1)} on {reader.GetString(0)}");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var why = e is MissingSecretException ? e.Message : MariaDbSmokeEngine.Instance.Describe(e);
                var problem = $"{database.User}: cannot read its own account ({why})";
                hostProblems.Add(problem);
                privilegeProblems.Add(problem);
            }
        }
        var elapsed = watch.Elapsed;
        IReadOnlyList<string> transportProblems = secureTransport switch
        {
            true => [],
            false => ["require_secure_transport is OFF"],
            null => ["unknown: no service user could log in to read it"],
        };
        const string hidden = "not visible to service users; this existing server has no admin account in the environment";
        return
        [
            BaselineItem.NotVisible(MariaDbCatalogBaseline.NoAnonymous, server, hidden),
            BaselineItem.NotVisible(MariaDbCatalogBaseline.NoRemoteRoot, server, hidden),
            BaselineItem.From(MariaDbCatalogBaseline.BoundHosts, server, elapsed, hostProblems,
                $"{databases.Count} service users log in through accounts without a wildcard host"),
            BaselineItem.From(MariaDbCatalogBaseline.SecureTransport, server, elapsed, transportProblems, "require_secure_transport = ON"),
            BaselineItem.NotVisible(MariaDbCatalogBaseline.RequireSsl, server, hidden + " (the plaintext-login check tests the effect)"),
            BaselineItem.From(MariaDbCatalogBaseline.PlanPrivileges, server, elapsed, privilegeProblems,
                "each service user holds no global privilege and nothing beyond the plan's list on its own database"),
        ];
    }
}
