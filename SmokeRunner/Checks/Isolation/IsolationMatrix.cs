using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Checks.Isolation;

public enum CellState { Own, Refused, Reached, Error }

/// <summary>One cell of the matrix: may <see cref="User"/> enter <see cref="Database"/>?</summary>
public sealed record IsolationCell(string User, string Database, CellState State, string Detail)
{
    public bool IsSound => State is CellState.Own or CellState.Refused;
}

/// <summary>One row to probe: a service user and every database of its server that is not its own.</summary>
public sealed record IsolationRow(DatabaseSpec Own, IReadOnlyList<string> Targets);

/// <summary>
/// The full isolation matrix of one server: every service user (rows) against every database of the
/// estate on that server plus the engine's system databases (columns).
/// </summary>
public sealed record IsolationMatrix(string Server, IReadOnlyList<string> Users, IReadOnlyList<string> Databases, IReadOnlyList<IsolationCell> Cells)
{
    public IsolationCell? Cell(string user, string database) =>
        Cells.FirstOrDefault(c => c.User == user && c.Database == database);

    public IEnumerable<IsolationCell> Breaches => Cells.Where(c => !c.IsSound);

    /// <summary>The rows to probe for one server of a bound environment.</summary>
    public static IReadOnlyList<IsolationRow> Plan(EnvironmentBinding binding, string serverName, IReadOnlyList<string> systemDatabases)
    {
        var databases = binding.DatabasesOn(serverName).ToList();
        var columns = Columns(databases, systemDatabases);
        return databases
            .Select(own => new IsolationRow(own, columns.Where(c => c != own.Name).ToList()))
            .ToList();
    }

    public static IReadOnlyList<string> Columns(IReadOnlyList<DatabaseSpec> databases, IReadOnlyList<string> systemDatabases) =>
        databases.Select(d => d.Name).Concat(systemDatabases.Where(s => databases.All(d => d.Name != s))).ToList();

    /// <summary>Assembles the matrix from probed cells, filling each user's own database as <see cref="CellState.Own"/>.</summary>
    public static IsolationMatrix Assemble(string server, IReadOnlyList<DatabaseSpec> databases, IReadOnlyList<string> systemDatabases, IEnumerable<IsolationCell> probed)
    {
        var columns = Columns(databases, systemDatabases);
        var byKey = probed.ToDictionary(c => (c.User, c.Database));
        var cells = new List<IsolationCell>();
        foreach (var own in databases)
            foreach (var column in columns)
                cells.Add(column == own.Name
                    ? new IsolationCell(own.User, column, CellState.Own, "own database")
                    : byKey.TryGetValue((own.User, column), out var cell)
                        ? cell
                        : new IsolationCell(own.User, column, CellState.Error, "not probed"));
        return new IsolationMatrix(server, databases.Select(d => d.User).ToList(), columns, cells);
    }
}
