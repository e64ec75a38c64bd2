using Npgsql;
using Rollout.Provisioner.Planning;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Model;
using static Rollout.Provisioner.Engines.PostgreSql.PostgreSqlSyntax;

namespace Rollout.Provisioner.Engines.PostgreSql;

/// <summary>
/// The read-only dump account of a PostgreSQL server: a LOGIN role in pg_read_all_data (SELECT on every table and
/// sequence, USAGE on every schema; no writes) with CONNECT on each managed database, since PUBLIC's CONNECT is revoked.
/// The password is sent as a SCRAM verifier, never in plain text.
/// </summary>
public static class PostgreSqlBackupAccount
{
    public static async Task<bool> IsCurrentAsync(NpgsqlConnection connection, string role, Secret password, IReadOnlyList<string> databases, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT a.rolpassword, r.rolcanlogin, r.rolsuper, pg_has_role(r.oid, 'pg_read_all_data', 'MEMBER'), " +
            "(SELECT count(*) FROM pg_database d WHERE d.datname = ANY(@dbs) AND has_database_privilege(r.oid, d.oid, 'CONNECT')) " +
            "FROM pg_roles r JOIN pg_authid a ON a.oid = r.oid WHERE r.rolname = @role", connection);
        command.Parameters.AddWithValue("role", role);
        command.Parameters.AddWithValue("dbs", databases.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return false;
        return !reader.IsDBNull(0) && ScramSha256Verifier.Matches(reader.GetString(0), password)
               && reader.GetBoolean(1) && !reader.GetBoolean(2) && reader.GetBoolean(3) && reader.GetInt64(4) == databases.Count;
    }

    public static IReadOnlyList<SqlStatement> Statements(string role, Secret password, bool exists, IReadOnlyList<string> databases)
    {
        var verifier = Literal(ScramSha256Verifier.Create(password));
        var text = exists
            ? $"ALTER ROLE {Identifier(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {verifier}"
            : $"CREATE ROLE {Identifier(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {verifier}";
        var statements = new List<SqlStatement>
        {
            new(text, text.Replace(verifier, "'" + Secret.Mask + "'", StringComparison.Ordinal)),
            SqlStatement.Plain($"GRANT pg_read_all_data TO {Identifier(role)}"),
        };
        statements.AddRange(databases.Select(d => SqlStatement.Plain($"GRANT CONNECT ON DATABASE {Identifier(d)} TO {Identifier(role)}")));
        return statements;
    }

    public static async Task<bool> ExistsAsync(NpgsqlConnection connection, string role, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = @role", connection);
        command.Parameters.AddWithValue("role", role);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}
