using System.Data.Common;
using MySqlConnector;
using Rollout.ServiceDefaults.Connections;
using Rollout.SmokeRunner.Checks;
using Rollout.SmokeRunner.Checks.Isolation;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Engines.MariaDb;

public sealed class MariaDbSmokeEngine : ISmokeEngine
{
    public static readonly MariaDbSmokeEngine Instance = new();

    // Server answers that mean "you may not": access denied to the account, to the database, or to the host.
    private static readonly HashSet<MySqlErrorCode> Refusals =
    [
        MySqlErrorCode.AccessDenied,
        MySqlErrorCode.DatabaseAccessDenied,
        MySqlErrorCode.HostNotPrivileged,
        MySqlErrorCode.HostIsBlocked,
        // ER_ACCESS_DENIED_NO_PASSWORD_ERROR: for an account that does not exist MariaDB fakes an
        // authentication with a random plugin, so "no such user@host" can come back as 1698 too.
        (MySqlErrorCode)1698,
    ];

    public Engine Engine => Engine.MariaDb;

    /// <summary>The grant tables: a service user that can USE mysql can read every password hash.</summary>
    public IReadOnlyList<string> SystemDatabases { get; } = ["mysql"];

    public DbConnection Connect(ServerEndpoint endpoint, string user, Secret password, string? database, ConnectionOptions options) =>
        DatabaseConnectionFactory.MariaDb(endpoint, user, password, database, options);

    public async Task<TlsSession> ReadTlsSessionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_version', 'Ssl_cipher')";
        string? version = null, cipher = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var value = reader.GetString(1);
            if (reader.GetString(0) == "Ssl_version") version = value; else cipher = value;
        }
        return new TlsSession(!string.IsNullOrEmpty(cipher), version, cipher);
    }

    public bool IsServerRefusal(Exception exception) =>
        exception is MySqlException { ErrorCode: var code } && Refusals.Contains(code);

    public string Describe(Exception exception) => exception switch
    {
        MySqlException m when m.Number > 0 => $"error {m.Number}: {m.Message}",
        _ => exception.InnerException is { } inner ? $"{exception.Message} ({inner.Message})" : exception.Message,
    };

    /// <summary>The plan's own test: one login to the own database, then <c>USE</c> every other one.</summary>
    public async Task<IReadOnlyList<IsolationCell>> ProbeOtherDatabasesAsync(ServiceLogin login, IReadOnlyList<string> targets, CancellationToken cancellationToken)
    {
        await using var connection = Connect(login.Endpoint, login.User, login.Password, login.Database.Name, SmokeSettings.Connection);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var why = $"not tested: {login.User} cannot log in to its own database ({Describe(e)})";
            return targets.Select(t => new IsolationCell(login.User, t, CellState.Error, why)).ToList();
        }
        var cells = new List<IsolationCell>(targets.Count);
        await using var command = connection.CreateCommand();
        foreach (var target in targets)
        {
            command.CommandText = $"USE {QuoteIdentifier(target)}";
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
                cells.Add(new IsolationCell(login.User, target, CellState.Reached, $"USE {target} succeeded as {login.User}"));
            }
            catch (MySqlException e) when (IsServerRefusal(e))
            {
                cells.Add(new IsolationCell(login.User, target, CellState.Refused, Describe(e)));
            }
            catch (MySqlException e)
            {
                cells.Add(new IsolationCell(login.User, target, CellState.Error, Describe(e)));
            }
        }
        return cells;
    }

    public Task<IReadOnlyList<CheckResult>> CheckBaselineAsync(SmokeContext context, ServerEndpoint endpoint, CancellationToken cancellationToken) =>
        endpoint.AdminUser is not null && endpoint.AdminPassword is not null
            ? MariaDbCatalogBaseline.CheckAsync(context, endpoint, cancellationToken)
            : MariaDbServiceViewBaseline.CheckAsync(context, endpoint, cancellationToken);

    public static string QuoteIdentifier(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
}
