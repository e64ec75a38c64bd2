using System.Globalization;
using Npgsql;
using Rollout.Backup.Manifests;
using Rollout.Backup.Repository;
using Rollout.ServiceDefaults.Connections;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Backup.Engines;

/// <summary>
/// PostgreSQL: `pg_dump -Fc` restored with `pg_restore --no-owner --no-acl --exit-on-error`. The manifest is read in
/// a REPEATABLE READ transaction whose snapshot pg_dump imports (--snapshot), so both see exactly the same rows.
/// Credentials travel in PGPASSWORD of the child's environment, never argv.
/// </summary>
public sealed class PostgreSqlBackupEngine : IBackupEngine
{
    private static readonly ConnectionOptions Options = new(Pooling: false, ApplicationName: "rollout-backup");

    public string FileExtension => "pgdump";

    public async Task<DumpSession> StartDumpAsync(ServerEndpoint endpoint, string user, Secret password, string database, CancellationToken cancellationToken)
    {
        var connection = DatabaseConnectionFactory.PostgreSql(endpoint, user, password, database, Options);
        await EngineConnections.OpenAsync(connection, endpoint, user, "Check its password secret and run `Provisioner apply`, which creates the backup account.", cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            await using var export = new NpgsqlCommand("SELECT pg_export_snapshot()", connection, transaction);
            var snapshot = (string)(await export.ExecuteScalarAsync(cancellationToken))!;
            var toolVersion = (await ToolProcess.RunAsync("pg_dump", ["--version"], new Dictionary<string, string>(), cancellationToken)).Output.Trim();
            var process = ToolProcess.Start("pg_dump", ["-Fc", $"--snapshot={snapshot}", "--no-password"], Environment(endpoint, user, password, database));
            // Read in the exported snapshot while pg_dump dumps it: the same rows, one pass of each at the same time.
            return new DumpSession(process, connection.PostgreSqlVersion.ToString(), toolVersion,
                token => PostgreSqlContent.ReadAsync(connection, transaction, token), connection, cancellationToken).StartContent();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<DatabaseContent> ReadContentAsync(ServerEndpoint endpoint, string database, CancellationToken cancellationToken)
    {
        await using var connection = await AdminAsync(endpoint, database, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        return await PostgreSqlContent.ReadAsync(connection, transaction, cancellationToken);
    }

    public async Task<int?> CountObjectsAsync(ServerEndpoint endpoint, string database, CancellationToken cancellationToken)
    {
        await using (var maintenance = await AdminAsync(endpoint, null, cancellationToken))
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @d", maintenance);
            exists.Parameters.AddWithValue("d", database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null) return null;
        }
        await using var connection = await AdminAsync(endpoint, database, cancellationToken);
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE c.relkind IN ('r','p','v','m','S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'", connection);
        return (int)(long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task CreateAsync(ServerEndpoint endpoint, string target, DatabaseSpec like, CancellationToken cancellationToken)
    {
        var settings = $" TEMPLATE template0 ENCODING {Literal(like.Encoding ?? "UTF8")}" +
                       (like.LcCollate is null ? "" : $" LC_COLLATE {Literal(like.LcCollate)}") +
                       (like.LcCtype is null ? "" : $" LC_CTYPE {Literal(like.LcCtype)}");
        await ExecuteAsync(endpoint, $"CREATE DATABASE {Identifier(target)}{settings}", cancellationToken);
    }

    public Task DropAsync(ServerEndpoint endpoint, string target, CancellationToken cancellationToken) =>
        ExecuteAsync(endpoint, $"DROP DATABASE IF EXISTS {Identifier(target)} WITH (FORCE)", cancellationToken);

    public Task<RestoreSession> StartRestoreAsync(ServerEndpoint endpoint, string target, CancellationToken cancellationToken)
    {
        var process = ToolProcess.Start("pg_restore", ["--no-owner", "--no-acl", "--exit-on-error", "--no-password", "-d", target],
            Environment(endpoint, endpoint.AdminUser!, endpoint.AdminPassword!, target), redirectInput: true);
        return Task.FromResult(new RestoreSession(process, null));
    }

    private static Dictionary<string, string> Environment(ServerEndpoint endpoint, string user, Secret password, string database)
    {
        var variables = new Dictionary<string, string>
        {
            ["PGHOST"] = endpoint.Host,
            ["PGPORT"] = endpoint.Port.ToString(CultureInfo.InvariantCulture),
            ["PGUSER"] = user,
            ["PGPASSWORD"] = password.Reveal(),
            ["PGDATABASE"] = database,
            ["PGSSLMODE"] = endpoint.CaFile is null ? "require" : "verify-ca",
            ["PGGSSENCMODE"] = "disable",
            ["PGAPPNAME"] = "rollout-backup",
        };
        if (endpoint.CaFile is not null) variables["PGSSLROOTCERT"] = endpoint.CaFile;
        return variables;
    }

    private static async Task ExecuteAsync(ServerEndpoint endpoint, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await AdminAsync(endpoint, null, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<NpgsqlConnection> AdminAsync(ServerEndpoint endpoint, string? database, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)DatabaseConnectionFactory.Admin(endpoint, database, Options);
        await EngineConnections.OpenAsync(connection, endpoint, endpoint.AdminUser!, "Check the admin credentials bound for this environment.", cancellationToken);
        return connection;
    }

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
