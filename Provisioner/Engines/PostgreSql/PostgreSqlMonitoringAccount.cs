using Npgsql;
using Rollout.Provisioner.Planning;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Model;
using static Rollout.Provisioner.Engines.PostgreSql.PostgreSqlSyntax;

namespace Rollout.Provisioner.Engines.PostgreSql;

/// <summary>
/// postgres_exporter 0.11's role on PostgreSQL 15: LOGIN in pg_monitor (the statistics views and pg_settings, nothing
/// of any table), CONNECT on the maintenance database postgres only (PUBLIC's is revoked there), no other membership,
/// at most <see cref="ConnectionLimit"/> sessions; TLS through its hostssl pg_hba line. The password goes as a SCRAM verifier.
/// </summary>
public static class PostgreSqlMonitoringAccount
{
    public const string MonitorRole = "pg_monitor";
    public const string Database = "postgres";
    public const int ConnectionLimit = 3;
    private const string Attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";

    public static async Task<IReadOnlyList<MonitoringChange>> PlanAsync(NpgsqlConnection connection, DesiredMonitoringAccount desired, CancellationToken cancellationToken)
    {
        var role = Identifier(desired.Account.Name);
        var verifier = Literal(ScramSha256Verifier.Create(desired.Password));
        await using var command = new NpgsqlCommand(
            "SELECT a.rolpassword, r.rolcanlogin AND NOT (r.rolsuper OR r.rolcreatedb OR r.rolcreaterole OR r.rolreplication OR r.rolbypassrls), r.rolconnlimit, " +
            "has_database_privilege(r.oid, @db, 'CONNECT'), " +
            "ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY 1) " +
            "FROM pg_roles r JOIN pg_authid a ON a.oid = r.oid WHERE r.rolname = @role", connection);
        command.Parameters.AddWithValue("role", desired.Account.Name);
        command.Parameters.AddWithValue("db", Database);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            var create = $"CREATE ROLE {role} {Attributes} CONNECTION LIMIT {ConnectionLimit} PASSWORD {verifier}";
            return [new(ChangeKind.Add, ObjectKind.User, $"monitoring role does not exist (password from {desired.PasswordSecretName}; {MonitorRole}, CONNECT on {Database})",
                [Hidden(create, verifier), SqlStatement.Plain($"GRANT {MonitorRole} TO {role}"), SqlStatement.Plain($"GRANT CONNECT ON DATABASE {Identifier(Database)} TO {role}")], IsDrift: false)];
        }

        var changes = new List<MonitoringChange>();
        if (reader.IsDBNull(0) || !ScramSha256Verifier.Matches(reader.GetString(0), desired.Password))
            changes.Add(new(ChangeKind.Change, ObjectKind.User, desired.PasswordIsNew
                    ? $"no password stored under {desired.PasswordSecretName}: a new one is generated and set"
                    : $"password differs from secret {desired.PasswordSecretName}",
                [Hidden($"ALTER ROLE {role} PASSWORD {verifier}", verifier)], true));
        if (!reader.GetBoolean(1) || reader.GetInt32(2) != ConnectionLimit)
            changes.Add(new(ChangeKind.Change, ObjectKind.User, $"attributes differ from {Attributes} CONNECTION LIMIT {ConnectionLimit}",
                [SqlStatement.Plain($"ALTER ROLE {role} {Attributes} CONNECTION LIMIT {ConnectionLimit}")], true));
        if (!reader.GetBoolean(3))
            changes.Add(new(ChangeKind.Add, ObjectKind.Grant, $"missing CONNECT on {Database}",
                [SqlStatement.Plain($"GRANT CONNECT ON DATABASE {Identifier(Database)} TO {role}")], true));
        var memberships = reader.GetFieldValue<string[]>(4);
        if (!memberships.Contains(MonitorRole))
            changes.Add(new(ChangeKind.Add, ObjectKind.Grant, $"not a member of {MonitorRole}", [SqlStatement.Plain($"GRANT {MonitorRole} TO {role}")], true));
        var surplus = memberships.Where(m => m != MonitorRole).ToList();
        if (surplus.Count > 0)
            changes.Add(new(ChangeKind.Revoke, ObjectKind.Grant, $"member of {string.Join(", ", surplus)} beyond what the exporter needs",
                surplus.Select(m => SqlStatement.Plain($"REVOKE {Identifier(m)} FROM {role}")).ToList(), true));
        return changes;
    }

    private static SqlStatement Hidden(string text, string verifier) => new(text, text.Replace(verifier, "'" + Secret.Mask + "'", StringComparison.Ordinal));
}
