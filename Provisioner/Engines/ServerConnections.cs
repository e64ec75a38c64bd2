using System.Data.Common;
using System.Net.Sockets;
using MySqlConnector;
using Npgsql;
using Rollout.Topology.Binding;

namespace Rollout.Provisioner.Engines;

/// <summary>A provisioning failure whose message names the server, the object and the fix; never a secret.</summary>
public sealed class ProvisioningException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Opens admin connections and turns driver failures into messages that name host:port and the fix.</summary>
internal static class ServerConnections
{
    /// <summary>Generous: a busy server (or machine) may take seconds to accept; a closed port still fails at once.</summary>
    public const int AdminConnectTimeoutSeconds = 15;

    public static async Task OpenAsync(DbConnection connection, ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbException or SocketException or TimeoutException or IOException || e.InnerException is SocketException)
        {
            await connection.DisposeAsync();
            throw new ProvisioningException(Describe(e, endpoint, endpoint.AdminUser), e);
        }
    }

    public static string Describe(Exception e, ServerEndpoint endpoint, string? user)
    {
        var where = $"server '{endpoint.Name}' at {endpoint.Host}:{endpoint.Port}";
        return e switch
        {
            MySqlException { ErrorCode: MySqlErrorCode.AccessDenied } =>
                $"{where}: login as '{user}' was refused (wrong user or password). Check the admin credentials bound for this environment.",
            PostgresException { SqlState: "28P01" or "28000" } =>
                $"{where}: login as '{user}' was refused ({((PostgresException)e).MessageText}). Check the admin credentials bound for this environment.",
            MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost } or NpgsqlException { InnerException: SocketException or TimeoutException } or SocketException or TimeoutException =>
                $"{where} is unreachable ({FirstLine(e)}). Is it running and is {endpoint.Host}:{endpoint.Port} reachable from here?",
            _ => $"{where}: cannot connect as '{user}': {FirstLine(e)}",
        };
    }

    private static string FirstLine(Exception e)
    {
        var message = e.InnerException is SocketException inner ? inner.Message : e.Message;
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline];
    }
}
