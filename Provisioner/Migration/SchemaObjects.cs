using MySqlConnector;

namespace Rollout.Provisioner.Migration;

/// <summary>
/// The schema of a database as comparable lines (tables, columns, indexes, views, triggers, routines, events), read by the
/// same catalog queries on both servers. Definers and collations are left out: the migration rewrites the first and may
/// convert the second to the target's collation (both are reported separately).
/// </summary>
public sealed record SchemaObjects(IReadOnlySet<string> Lines)
{
    private static readonly (string Kind, string Sql)[] Queries =
    [
        ("table", "SELECT TABLE_NAME, TABLE_TYPE, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = @p0"),
        ("column", "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = @p0"),
        ("index", "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = @p0"),
        ("view", "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE FROM information_schema.VIEWS WHERE TABLE_SCHEMA = @p0"),
        ("trigger", "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER, ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = @p0"),
        ("routine", "SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, SECURITY_TYPE, IS_DETERMINISTIC, SQL_DATA_ACCESS, ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = @p0"),
        ("event", "SELECT EVENT_NAME, EVENT_TYPE, INTERVAL_VALUE, INTERVAL_FIELD, ON_COMPLETION, EVENT_DEFINITION FROM information_schema.EVENTS WHERE EVENT_SCHEMA = @p0"),
    ];

    /// <summary>Reads the schema; in <paramref name="converted"/> tables the TEXT family is one type (a conversion to a wider charset widens TEXT to MEDIUMTEXT).</summary>
    public static async Task<SchemaObjects> ReadAsync(MySqlConnection connection, string database, IReadOnlySet<string> converted, CancellationToken cancellationToken)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (kind, sql) in Queries)
            foreach (var row in await SqlReader.RowsAsync(connection, sql, cancellationToken, database))
            {
                if (kind == "column" && converted.Contains(row[0]!) && row[3] is "tinytext" or "text" or "mediumtext" or "longtext")
                    row[3] = "text (any length: converted)";
                lines.Add($"{kind} {row[0]}: " + string.Join(" | ", row.Skip(1).Select(v => v ?? "NULL")));
            }
        return new SchemaObjects(lines);
    }

    public int Count(string kind) => Lines.Count(l => l.StartsWith(kind + " ", StringComparison.Ordinal));

    /// <summary>Lines only one side has, each prefixed by the side.</summary>
    public static IReadOnlyList<string> Differences(SchemaObjects source, SchemaObjects target) =>
        source.Lines.Except(target.Lines).Select(l => "only on source: " + l)
            .Concat(target.Lines.Except(source.Lines).Select(l => "only on target: " + l))
            .ToList();
}
