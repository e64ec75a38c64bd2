using System.Data.Common;
using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using MySqlConnector;
using Npgsql;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Monitor.Probing;

/// <summary>The outcome of one probe of a database: whether it answered, how long it took and, if not, why.</summary>
public sealed record ProbeResult(DatabaseSpec Database, bool Success, TimeSpan Elapsed, string? FailureReason);

/// <summary>
/// Logs in as a database's own service user over TLS (verified against the environment's CA) and runs SELECT 1:
/// what an application sees, which no exporter measures. A fresh connection each time (no pool), so a changed
/// password or a stopped server shows at the next probe.
/// </summary>
public sealed class DatabaseProbe(EnvironmentBinding binding, ISecretSource secrets, TimeSpan timeout)
{
    public const string ApplicationName = "rollout-monitor";

    public async Task<ProbeResult> ProbeAsync(DatabaseSpec database, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // Read every time: a rotated password is used at the next probe without a restart.
        var password = await secrets.GetAsync(database.PasswordSecretName, cancellationToken);
        if (password is null || password.IsEmpty) return new ProbeResult(database, false, clock.Elapsed, "missing_secret");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await using var connection = Open(binding.EndpointOf(database), database, password);
            await connection.OpenAsync(deadline.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(deadline.Token);
            return new ProbeResult(database, true, clock.Elapsed, null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is DbException or SocketException or AuthenticationException
                                      or IOException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            return new ProbeResult(database, false, clock.Elapsed, Classify(e));
        }
    }

    private DbConnection Open(ServerEndpoint endpoint, DatabaseSpec database, Secret password)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        var options = new ConnectionOptions(Pooling: false, ConnectTimeoutSeconds: seconds, ApplicationName: ApplicationName);
        return endpoint.Engine switch
        {
            Engine.MariaDb => DatabaseConnectionFactory.MariaDb(endpoint, database.User, password, database.Name, options),
            Engine.PostgreSql => DatabaseConnectionFactory.PostgreSql(endpoint, database.User, password, database.Name, options),
            _ => throw new NotSupportedException($"database '{database.Name}' is on a {endpoint.Engine} server, which has no SQL login."),
        };
    }

    /// <summary>A small fixed set of reasons (a label value): never the message, which may name hosts or users.</summary>
    public static string Classify(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case MySqlException { ErrorCode: MySqlErrorCode.AccessDenied or MySqlErrorCode.DatabaseAccessDenied or MySqlErrorCode.UnableToConnectToHost } my:
                    return my.ErrorCode == MySqlErrorCode.UnableToConnectToHost ? "refused" : "auth";
                case PostgresException { SqlState: "28P01" or "28000" or "42501" }:
                    return "auth";
                case SocketException:
                    return "refused";
                case AuthenticationException:
                    return "tls";
                case TimeoutException or OperationCanceledException:
                    return "timeout";
            }
        }
        return "error";
    }
}
