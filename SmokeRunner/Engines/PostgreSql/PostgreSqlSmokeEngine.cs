using System.Data.Common;
using Npgsql;
using Rollout.ServiceDefaults.Connections;
using Rollout.SmokeRunner.Checks;
using Rollout.SmokeRunner.Checks.Isolation;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Engines.PostgreSql;

public sealed class PostgreSqlSmokeEngine : ISmokeEngine
{
    public static readonly PostgreSqlSmokeEngine Instance = new();

    // 28000: no pg_hba.conf line admits the login (or it rejects it); 28P01: authentication failed;
    // 42501: the role lacks CONNECT on the database.
    private static readonly HashSet<string> Refusals = ["28000", "28P01", "42501"];

    public Engine Engine => Engine.PostgreSql;

    /// <summary>PUBLIC has CONNECT on these by default: the classic way a service role escapes its own database.</summary>
    public IReadOnlyList<string> SystemDatabases { get; } = ["postgres", "template1"];

    public DbConnection Connect(ServerEndpoint endpoint, string user, Secret password, string? database, ConnectionOptions options) =>
        DatabaseConnectionFactory.PostgreSql(endpoint, user, password, database, options);

    public async Task<TlsSession> ReadTlsSessionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return new TlsSession(false, null, null);
        return new TlsSession(reader.GetBoolean(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    public bool IsServerRefusal(Exception exception) =>
        exception is PostgresException { SqlState: var state } && Refusals.Contains(state);

    public string Describe(Exception exception) => exception switch
    {
        PostgresException p => $"{p.SqlState}: {p.MessageText}",
        _ => exception.InnerException is { } inner ? $"{exception.Message} ({inner.Message})" : exception.Message,
    };

    /// <summary>PostgreSQL has no USE: each other database is a fresh login to it.</summary>
    public async Task<IReadOnlyList<IsolationCell>> ProbeOtherDatabasesAsync(ServiceLogin login, IReadOnlyList<string> targets, CancellationToken cancellationToken)
    {
        var cells = new List<IsolationCell>(targets.Count);
        foreach (var target in targets)
        {
            await using var connection = Connect(login.Endpoint, login.User, login.Password, target, SmokeSettings.Connection);
            try
            {
                await connection.OpenAsync(cancellationToken);
                cells.Add(new IsolationCell(login.User, target, CellState.Reached, $"{login.User} connected to {target}"));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                cells.Add(new IsolationCell(login.User, target, IsServerRefusal(e) ? CellState.Refused : CellState.Error, Describe(e)));
            }
        }
        return cells;
    }

    public Task<IReadOnlyList<CheckResult>> CheckBaselineAsync(SmokeContext context, ServerEndpoint endpoint, CancellationToken cancellationToken) =>
        PostgreSqlBaseline.CheckAsync(context, endpoint, cancellationToken);
}
