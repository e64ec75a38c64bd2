using System.Data.Common;
using Rollout.ServiceDefaults.Connections;
using Rollout.SmokeRunner.Checks;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Engines;

/// <summary>The TLS state of one session as the server reports it.</summary>
public sealed record TlsSession(bool Encrypted, string? Version, string? Cipher);

/// <summary>
/// What the generic checks need to know about one database engine: how to connect, how the server
/// reports TLS, which errors are the server saying "no", and how to try another database.
/// </summary>
public interface ISmokeEngine
{
    Engine Engine { get; }

    DbConnection Connect(ServerEndpoint endpoint, string user, Secret password, string? database, ConnectionOptions options);

    Task<TlsSession> ReadTlsSessionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>True when the server itself refused the login or the database, not a network failure or timeout.</summary>
    bool IsServerRefusal(Exception exception);

    /// <summary>The driver's error in one line, with the server's error code; never a connection string.</summary>
    string Describe(Exception exception);

    /// <summary>Databases outside the estate every service user must be refused from as well (the classic leaks).</summary>
    IReadOnlyList<string> SystemDatabases { get; }

    /// <summary>Tries each target database as the login's user; one cell per target, in order.</summary>
    Task<IReadOnlyList<Checks.Isolation.IsolationCell>> ProbeOtherDatabasesAsync(ServiceLogin login, IReadOnlyList<string> targets, CancellationToken cancellationToken);

    /// <summary>The server's security baseline; admin catalogs where an admin is bound, else what the service users see.</summary>
    Task<IReadOnlyList<CheckResult>> CheckBaselineAsync(SmokeContext context, ServerEndpoint endpoint, CancellationToken cancellationToken);
}

public static class SmokeEngines
{
    public static ISmokeEngine For(Engine engine) => engine switch
    {
        Engine.MariaDb => MariaDb.MariaDbSmokeEngine.Instance,
        Engine.PostgreSql => PostgreSql.PostgreSqlSmokeEngine.Instance,
        _ => throw new NotSupportedException($"The SmokeRunner has no checks for {engine} servers."),
    };
}
