using System.Globalization;
using MySqlConnector;
using Rollout.Backup.Manifests;
using Rollout.Backup.Repository;
using Rollout.ServiceDefaults.Connections;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Backup.Engines;

/// <summary>
/// MariaDB: `mariadb-dump --single-transaction --routines --triggers --events` (InnoDB-consistent), restored with the
/// `mariadb` client. Credentials reach both tools through a 0600 option file (--defaults-extra-file), never argv.
/// </summary>
public sealed class MariaDbBackupEngine : IBackupEngine
{
    private static readonly ConnectionOptions Options = new(Pooling: false, ApplicationName: "rollout-backup");

    public string FileExtension => "sql";

    public async Task<DumpSession> StartDumpAsync(ServerEndpoint endpoint, string user, Secret password, string database, CancellationToken cancellationToken)
    {
        var connection = DatabaseConnectionFactory.MariaDb(endpoint, user, password, database, Options);
        await EngineConnections.OpenAsync(connection, endpoint, user, "Check its password secret and run `Provisioner apply`, which creates the backup account.", cancellationToken);
        PasswordFile? optionFile = null;
        try
        {
            // connection.ServerVersion carries the "5.5.5-" replication prefix; VERSION() is the server's own.
            string version;
            await using (var command = new MySqlCommand("SELECT VERSION()", connection))
                version = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
            var toolVersion = (await ToolProcess.RunAsync("mariadb-dump", ["--version"], new Dictionary<string, string>(), cancellationToken)).Output.Trim();
            // The manifest's snapshot is taken right before the dump's own (--single-transaction): both see the same rows
            // unless a write lands in between, and the manifest's pass over the rows runs beside the dump, not before it.
            await using (var snapshot = new MySqlCommand("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ; START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", connection))
                await snapshot.ExecuteNonQueryAsync(cancellationToken);
            optionFile = OptionFile(endpoint, user, password);
            var process = ToolProcess.Start("mariadb-dump",
                [$"--defaults-extra-file={optionFile.Path}", "--single-transaction", "--routines", "--triggers", "--events",
                 "--hex-blob", "--default-character-set=utf8mb4", "--skip-dump-date", database],
                new Dictionary<string, string>());
            return new DumpSession(process, version, toolVersion, token => MariaDbContent.ReadAsync(connection, database, token),
                new Releaser(optionFile, connection), cancellationToken).StartContent();
        }
        catch
        {
            optionFile?.Dispose();
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<DatabaseContent> ReadContentAsync(ServerEndpoint endpoint, string database, CancellationToken cancellationToken)
    {
        await using var connection = await AdminAsync(endpoint, database, cancellationToken);
        return await MariaDbContent.ReadAsync(connection, database, cancellationToken);
    }

    public async Task<int?> CountObjectsAsync(ServerEndpoint endpoint, string database, CancellationToken cancellationToken)
    {
        await using var connection = await AdminAsync(endpoint, null, cancellationToken);
        await using var command = new MySqlCommand(
            "SELECT (SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @d), (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = @d) " +
            "+ (SELECT COUNT(*) FROM mysql.proc WHERE db = @d)", connection);
        command.Parameters.AddWithValue("@d", database);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0) == 0 ? null : (int)reader.GetInt64(1);
    }

    public async Task CreateAsync(ServerEndpoint endpoint, string target, DatabaseSpec like, CancellationToken cancellationToken)
    {
        var clause = (like.Charset is null ? "" : $" CHARACTER SET {like.Charset}") + (like.Collation is null ? "" : $" COLLATE {like.Collation}");
        await ExecuteAsync(endpoint, $"CREATE DATABASE {Identifier(target)}{clause}", cancellationToken);
    }

    public Task DropAsync(ServerEndpoint endpoint, string target, CancellationToken cancellationToken) =>
        ExecuteAsync(endpoint, $"DROP DATABASE IF EXISTS {Identifier(target)}", cancellationToken);

    public Task<RestoreSession> StartRestoreAsync(ServerEndpoint endpoint, string target, CancellationToken cancellationToken)
    {
        var optionFile = OptionFile(endpoint, endpoint.AdminUser!, endpoint.AdminPassword!);
        var process = ToolProcess.Start("mariadb",
            [$"--defaults-extra-file={optionFile.Path}", "--default-character-set=utf8mb4", "--binary-mode", target],
            new Dictionary<string, string>(), redirectInput: true);
        return Task.FromResult(new RestoreSession(process, optionFile));
    }

    private static async Task ExecuteAsync(ServerEndpoint endpoint, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await AdminAsync(endpoint, null, cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<MySqlConnection> AdminAsync(ServerEndpoint endpoint, string? database, CancellationToken cancellationToken)
    {
        var connection = (MySqlConnection)DatabaseConnectionFactory.Admin(endpoint, database, Options);
        await EngineConnections.OpenAsync(connection, endpoint, endpoint.AdminUser!, "Check the admin credentials bound for this environment.", cancellationToken);
        return connection;
    }

    private static string Identifier(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>The [client] group both tools read; values quoted so any password survives the option-file parser.</summary>
    private static PasswordFile OptionFile(ServerEndpoint endpoint, string user, Secret password)
    {
        static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var lines = new List<string>
        {
            "[client]",
            $"user={Quote(user)}",
            $"password={Quote(password.Reveal())}",
            $"host={endpoint.Host}",
            $"port={endpoint.Port.ToString(CultureInfo.InvariantCulture)}",
            "ssl",
        };
        if (endpoint.CaFile is not null) lines.Add($"ssl-ca={endpoint.CaFile}");
        return PasswordFile.Write(password, "client.cnf", string.Join('\n', lines) + "\n");
    }

    private sealed class Releaser(IDisposable optionFile, MySqlConnection? connection = null) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            optionFile.Dispose();
            if (connection is not null) await connection.DisposeAsync();
        }
    }
}
