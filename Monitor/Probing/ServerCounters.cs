using System.Data.Common;
using System.Globalization;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Monitor.Probing;

/// <summary>What a server counts about its own clients: denied logins, failed connects, TLS use.</summary>
public sealed record ServerCounterValues(string Server, double? FailedLogins, double? AbortedConnects, double? TlsRatio);

/// <summary>
/// Reads the server status counters the probe exports. MariaDB's global status is readable by any account, so
/// a service user of the server suffices (the Plesk host has no admin account of ours); PostgreSQL's TLS state of
/// other sessions needs pg_read_all_stats, so the admin account is used where the environment binds one.
/// PostgreSQL 15 counts no failed logins (they are only in its log): that series is MariaDB-only.
/// </summary>
public sealed class ServerCounters(EnvironmentBinding binding, ISecretSource secrets, TimeSpan timeout)
{
    private const string PostgreSqlTls =
        "SELECT count(*) FILTER (WHERE s.ssl)::float8, count(*)::float8 FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.backend_type = 'client backend'";

    public async Task<ServerCounterValues?> ReadAsync(ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await using var connection = await ConnectAsync(endpoint, deadline.Token);
            if (connection is null) return null;
            await connection.OpenAsync(deadline.Token);
            return endpoint.Engine == Engine.MariaDb
                ? await MariaDbAsync(endpoint.Name, connection, deadline.Token)
                : await PostgreSqlAsync(endpoint.Name, connection, deadline.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is DbException or IOException or OperationCanceledException
                                      or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // The server is down or the login failed: the database probes report that; the counters stay unknown.
            return null;
        }
    }

    private async Task<DbConnection?> ConnectAsync(ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var options = new ConnectionOptions(Pooling: false, ConnectTimeoutSeconds: Math.Max(1, (int)timeout.TotalSeconds), ApplicationName: DatabaseProbe.ApplicationName);
        if (endpoint.Engine == Engine.PostgreSql && endpoint.AdminUser is not null && endpoint.AdminPassword is not null)
            return DatabaseConnectionFactory.Admin(endpoint, "postgres", options);
        foreach (var database in binding.DatabasesOn(endpoint.Name))
        {
            if (await secrets.GetAsync(database.PasswordSecretName, cancellationToken) is not { IsEmpty: false } password) continue;
            return endpoint.Engine == Engine.MariaDb
                ? DatabaseConnectionFactory.MariaDb(endpoint, database.User, password, database.Name, options)
                : DatabaseConnectionFactory.PostgreSql(endpoint, database.User, password, database.Name, options);
        }
        return null;
    }

    private static async Task<ServerCounterValues> MariaDbAsync(string server, DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW GLOBAL STATUS WHERE Variable_name IN ('Access_denied_errors', 'Aborted_connects', 'Connections', 'Ssl_accepts')";
        var status = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                if (double.TryParse(reader.GetString(1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    status[reader.GetString(0)] = value;
        double? ratio = status.TryGetValue("Connections", out var connections) && connections > 0 && status.TryGetValue("Ssl_accepts", out var tls)
            ? Math.Min(1, tls / connections)
            : null;
        return new ServerCounterValues(server, status.GetValueOrDefault("Access_denied_errors"), status.GetValueOrDefault("Aborted_connects"), ratio);
    }

    private static async Task<ServerCounterValues> PostgreSqlAsync(string server, DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = PostgreSqlTls;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var encrypted = reader.GetDouble(0);
        var total = reader.GetDouble(1);
        return new ServerCounterValues(server, null, null, total > 0 ? encrypted / total : null);
    }
}
