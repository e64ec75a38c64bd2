using System.Diagnostics;
using Npgsql;
using Rollout.ServiceDefaults.Connections;
using Rollout.SmokeRunner.Checks;
using Rollout.Topology.Binding;

namespace Rollout.SmokeRunner.Engines.PostgreSql;

/// <summary>
/// The PostgreSQL baseline from the system catalogs, read with the admin account where one is bound
/// (pg_database, pg_roles and pg_auth_members are readable by every role, so a service login serves
/// otherwise): ssl, password_encryption, PUBLIC's CONNECT, role attributes, ownership, memberships.
/// </summary>
public static class PostgreSqlBaseline
{
    public const string SslOn = "ssl on";
    public const string Scram = "password_encryption scram-sha-256";
    /// <summary>
    /// Read from the catalog, not through logins: where pg_hba admits each role to its own database only (as the
    /// published and the local pg_hba do), a PUBLIC CONNECT grant is invisible to the isolation matrix.
    /// </summary>
    public const string NoPublicConnect = "PUBLIC without CONNECT on service and system databases";
    public const string NoPowerfulRoles = "no superuser/createrole/createdb service roles";
    public const string PlanPrivileges = "only the plan's privileges";
    public static readonly string[] Items = [SslOn, Scram, NoPublicConnect, NoPowerfulRoles, PlanPrivileges];

    public static async Task<IReadOnlyList<CheckResult>> CheckAsync(SmokeContext context, ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var server = endpoint.Name;
        var databases = context.Binding.DatabasesOn(server).ToList();
        var names = databases.Select(d => d.Name).ToArray();
        var publicChecked = names.Concat(PostgreSqlSmokeEngine.Instance.SystemDatabases).ToArray();
        var users = databases.Select(d => d.User).ToArray();
        string ssl, encryption;
        var publicConnect = new List<string>();
        var roleProblems = new List<string>();
        var privilegeProblems = new List<string>();
        var scramProblems = new List<string>();
        try
        {
            await using var connection = await OpenAsync(context, endpoint, cancellationToken);
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new("SELECT current_setting('ssl'), current_setting('password_encryption')"),
                    new("SELECT d.datname FROM pg_database d CROSS JOIN LATERAL aclexplode(COALESCE(d.datacl, acldefault('d', d.datdba))) a " +
                        "WHERE a.grantee = 0 AND a.privilege_type = 'CONNECT' AND d.datname = ANY($1) ORDER BY d.datname") { Parameters = { new() { Value = publicChecked } } },
                    new("SELECT u.name, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls " +
                        "FROM unnest($1::text[]) AS u(name) LEFT JOIN pg_roles r ON r.rolname = u.name") { Parameters = { new() { Value = users } } },
                    new("SELECT n.name, pg_get_userbyid(d.datdba) FROM unnest($1::text[]) AS n(name) LEFT JOIN pg_database d ON d.datname = n.name") { Parameters = { new() { Value = names } } },
                    new("SELECT m.rolname, g.rolname FROM pg_auth_members am JOIN pg_roles m ON m.oid = am.member JOIN pg_roles g ON g.oid = am.roleid " +
                        "WHERE m.rolname = ANY($1)") { Parameters = { new() { Value = users } } },
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (ssl, encryption) = (reader.GetString(0), reader.GetString(1));
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                publicConnect.Add($"PUBLIC has CONNECT on {reader.GetString(0)} (REVOKE CONNECT, TEMPORARY ON DATABASE {reader.GetString(0)} FROM PUBLIC)");
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var role = reader.GetString(0);
                if (reader.IsDBNull(1)) { roleProblems.Add($"role {role} does not exist"); continue; }
                string[] attributes = ["SUPERUSER", "CREATEROLE", "CREATEDB", "REPLICATION", "BYPASSRLS"];
                var held = attributes.Where((_, i) => reader.GetBoolean(i + 1)).ToList();
                if (held.Count > 0) roleProblems.Add($"{role} has {string.Join(", ", held)}");
            }
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var database = databases.First(d => d.Name == reader.GetString(0));
                var owner = reader.IsDBNull(1) ? null : reader.GetString(1);
                if (owner is null) privilegeProblems.Add($"database {database.Name} does not exist");
                else if (owner != database.User) privilegeProblems.Add($"{database.Name} is owned by {owner}, not by its service role {database.User}");
            }
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                privilegeProblems.Add($"{reader.GetString(0)} is a member of role {reader.GetString(1)}");
            await reader.CloseAsync();
            scramProblems.AddRange(await StoredVerifierProblemsAsync(connection, users, cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return BaselineItem.Unreadable(Items, server, watch.Elapsed,
                $"cannot read the catalogs on {endpoint}: {(e is MissingSecretException ? e.Message : PostgreSqlSmokeEngine.Instance.Describe(e))}");
        }

        var elapsed = watch.Elapsed;
        if (encryption != "scram-sha-256") scramProblems.Insert(0, $"password_encryption is {encryption}");
        return
        [
            BaselineItem.From(SslOn, server, elapsed, ssl == "on" ? [] : [$"ssl is {ssl}"], "ssl = on"),
            BaselineItem.From(Scram, server, elapsed, scramProblems, "password_encryption = scram-sha-256"),
            BaselineItem.From(NoPublicConnect, server, elapsed, publicConnect, $"PUBLIC has no CONNECT on {string.Join(", ", publicChecked)}"),
            BaselineItem.From(NoPowerfulRoles, server, elapsed, roleProblems, $"{string.Join(", ", users)}: no SUPERUSER, CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS"),
            BaselineItem.From(PlanPrivileges, server, elapsed, privilegeProblems, "each service role owns its database and is a member of no other role"),
        ];
    }

    private static async Task<NpgsqlConnection> OpenAsync(SmokeContext context, ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection;
        if (endpoint.AdminUser is not null && endpoint.AdminPassword is not null && !endpoint.Server.Existing)
            connection = (NpgsqlConnection)DatabaseConnectionFactory.Admin(endpoint, "postgres", SmokeSettings.Connection);
        else
        {
            var first = context.Binding.DatabasesOn(endpoint.Name).First();
            var login = await context.Logins.ForAsync(first, cancellationToken);
            connection = (NpgsqlConnection)PostgreSqlSmokeEngine.Instance.Connect(login.Endpoint, login.User, login.Password, first.Name, SmokeSettings.Connection);
        }
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Passwords stored as SCRAM verifiers; pg_authid is readable only by a superuser, so without one this stays unchecked.</summary>
    private static async Task<IReadOnlyList<string>> StoredVerifierProblemsAsync(NpgsqlConnection connection, string[] users, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT rolname FROM pg_authid WHERE rolname = ANY($1) AND (rolpassword IS NULL OR rolpassword NOT LIKE 'SCRAM-SHA-256$%')", connection)
        { Parameters = { new() { Value = users } } };
        try
        {
            var problems = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                problems.Add($"{reader.GetString(0)}'s password is not stored as a SCRAM-SHA-256 verifier");
            return problems;
        }
        catch (PostgresException e) when (e.SqlState == "42501")
        {
            return [];
        }
    }
}
