using System.Data.Common;
using System.Net.Sockets;
using MySqlConnector;
using Npgsql;
using Rollout.Topology.Binding;

namespace Rollout.Backup.Engines;

/// <summary>Opens a connection and turns a refusal or an unreachable server into a message naming the server, the account and the fix.</summary>
internal static class EngineConnections
{
    public static async Task OpenAsync(DbConnection connection, ServerEndpoint endpoint, string user, string fix, CancellationToken cancellationToken)
    {
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbException or SocketException or TimeoutException or IOException)
        {
            await connection.DisposeAsync();
            var where = $"server '{endpoint.Name}' at {endpoint.Host}:{endpoint.Port}";
            throw new BackupException(e switch
            {
                MySqlException { ErrorCode: MySqlErrorCode.AccessDenied } or PostgresException { SqlState: "28P01" or "28000" } =>
                    $"{where}: login as '{user}' was refused (wrong user or password). {fix}",
                MySqlException { ErrorCode: MySqlErrorCode.UnknownDatabase } or PostgresException { SqlState: "3D000" } =>
                    $"{where}: {FirstLine(e)}. Does the database exist (Provisioner apply creates it)?",
                _ => $"{where}: cannot connect as '{user}': {FirstLine(e)}",
            }, e);
        }
    }

    private static string FirstLine(Exception e)
    {
        var message = e.InnerException is SocketException inner ? inner.Message : e.Message;
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline];
    }
}
