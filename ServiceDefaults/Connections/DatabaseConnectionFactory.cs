using MySqlConnector;
using Npgsql;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Connections;

/// <summary>Per-connection choices; the defaults are the production ones (TLS verified against the CA).</summary>
public sealed record ConnectionOptions(
    bool Pooling = true,
    int ConnectTimeoutSeconds = 15,
    bool RequireTls = true,
    string ApplicationName = "rollout");

/// <summary>
/// The only place that builds a connection string for a database of the estate. TLS is required
/// and the server certificate verified against the environment's CA where one is configured.
/// </summary>
public static class DatabaseConnectionFactory
{
    public static MySqlConnection MariaDb(ServerEndpoint endpoint, string user, Secret password, string? database, ConnectionOptions? options = null)
    {
        options ??= new ConnectionOptions();
        var builder = new MySqlConnectionStringBuilder
        {
            Server = endpoint.Host,
            Port = (uint)endpoint.Port,
            UserID = user,
            Password = password.Reveal(),
            Database = database ?? "",
            Pooling = options.Pooling,
            ConnectionTimeout = (uint)options.ConnectTimeoutSeconds,
            ApplicationName = options.ApplicationName,
            SslMode = !options.RequireTls ? MySqlSslMode.None : endpoint.CaFile is null ? MySqlSslMode.Required : MySqlSslMode.VerifyCA,
            SslCa = options.RequireTls ? endpoint.CaFile ?? "" : "",
            TlsVersion = options.RequireTls ? "TLS 1.2, TLS 1.3" : "",
            // Plain-text password fallback over an unencrypted channel is never wanted.
            AllowPublicKeyRetrieval = false,
        };
        return new MySqlConnection(builder.ConnectionString);
    }

    public static NpgsqlConnection PostgreSql(ServerEndpoint endpoint, string user, Secret password, string? database, ConnectionOptions? options = null)
    {
        options ??= new ConnectionOptions();
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = endpoint.Host,
            Port = endpoint.Port,
            Username = user,
            Password = password.Reveal(),
            Database = database ?? "postgres",
            Pooling = options.Pooling,
            Timeout = options.ConnectTimeoutSeconds,
            ApplicationName = options.ApplicationName,
            SslMode = !options.RequireTls ? SslMode.Disable : endpoint.CaFile is null ? SslMode.Require : SslMode.VerifyCA,
            RootCertificate = options.RequireTls ? endpoint.CaFile : null,
            // The estate encrypts with TLS, never GSSAPI. Npgsql's default (Prefer) retries a login that pg_hba
            // rejects on a second connection, doubling the cost of every refusal the isolation checks provoke.
            GssEncryptionMode = GssEncryptionMode.Disable,
        };
        return new NpgsqlConnection(builder.ConnectionString);
    }

    /// <summary>
    /// An opened admin session that only reads the catalogs: the one way any program logs in to an existing server
    /// (the Plesk host) as the admin bound for it in the environment. The session is made read-only on the server
    /// (MariaDB: SET SESSION TRANSACTION READ ONLY; PostgreSQL: default_transaction_read_only), and the callers send
    /// nothing but SELECTs. Throws when no admin account is bound.
    /// </summary>
    public static async Task<System.Data.Common.DbConnection> OpenReadOnlyAdminAsync(ServerEndpoint endpoint, string? database, ConnectionOptions? options,
        CancellationToken cancellationToken)
    {
        if (endpoint.AdminUser is null || endpoint.AdminPassword is null)
            throw new InvalidOperationException($"Server '{endpoint.Name}' has no admin credentials bound in this environment.");
        System.Data.Common.DbConnection connection = endpoint.Engine switch
        {
            Engine.MariaDb => MariaDb(endpoint, endpoint.AdminUser, endpoint.AdminPassword, database, options),
            Engine.PostgreSql => PostgreSql(endpoint, endpoint.AdminUser, endpoint.AdminPassword, database, options),
            _ => throw new NotSupportedException($"Server '{endpoint.Name}' ({endpoint.Engine}) has no SQL admin connection."),
        };
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = endpoint.Engine == Engine.MariaDb ? "SET SESSION TRANSACTION READ ONLY" : "SET SESSION default_transaction_read_only = on";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>An admin connection to a server; refuses servers that have no admin account bound (the existing Plesk host).</summary>
    public static System.Data.Common.DbConnection Admin(ServerEndpoint endpoint, string? database = null, ConnectionOptions? options = null)
    {
        if (endpoint.Server.Existing)
            throw new InvalidOperationException($"Server '{endpoint.Name}' is marked existing in rollout.yaml: Rollout never opens a writing admin connection to it (only OpenReadOnlyAdminAsync).");
        if (endpoint.AdminUser is null || endpoint.AdminPassword is null)
            throw new InvalidOperationException($"Server '{endpoint.Name}' has no admin credentials bound in environment (set its adminUser/adminPassword).");
        return endpoint.Engine switch
        {
            Engine.MariaDb => MariaDb(endpoint, endpoint.AdminUser, endpoint.AdminPassword, database, options),
            Engine.PostgreSql => PostgreSql(endpoint, endpoint.AdminUser, endpoint.AdminPassword, database, options),
            _ => throw new NotSupportedException($"Server '{endpoint.Name}' ({endpoint.Engine}) has no SQL admin connection."),
        };
    }
}
