using MySqlConnector;

namespace Rollout.Provisioner.Migration;

/// <summary>A column as the checksum needs it: character columns are compared by their characters, not their bytes.</summary>
public sealed record ColumnShape(string Name, string DataType, bool Nullable, string? Charset, string? Collation);

/// <summary>A base table of the database: its columns in order, its primary key (empty: none) and its collation and engine.</summary>
public sealed record TableShape(string Name, IReadOnlyList<ColumnShape> Columns, IReadOnlyList<string> PrimaryKey, string? Collation, string? Engine, long Bytes)
{
    public bool HasPrimaryKey => PrimaryKey.Count > 0;

    /// <summary>Reads the base tables of a database (views are schema objects, compared as such).</summary>
    public static async Task<IReadOnlyList<TableShape>> ReadAllAsync(MySqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var tables = await SqlReader.RowsAsync(connection,
            "SELECT TABLE_NAME, TABLE_COLLATION, ENGINE, COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) FROM information_schema.TABLES " +
            "WHERE TABLE_SCHEMA = @p0 AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", cancellationToken, database);
        var columns = (await SqlReader.RowsAsync(connection,
                "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, IS_NULLABLE, CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS " +
                "WHERE TABLE_SCHEMA = @p0 ORDER BY TABLE_NAME, ORDINAL_POSITION", cancellationToken, database))
            .ToLookup(r => r[0]!, r => new ColumnShape(r[1]!, r[2]!, r[3] == "YES", r[4], r[5]));
        var keys = (await SqlReader.RowsAsync(connection,
                "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = @p0 AND INDEX_NAME = 'PRIMARY' ORDER BY TABLE_NAME, SEQ_IN_INDEX",
                cancellationToken, database))
            .ToLookup(r => r[0]!, r => r[1]!);
        return tables.Select(t => new TableShape(t[0]!, columns[t[0]!].ToList(), keys[t[0]!].ToList(), t[1], t[2], long.Parse(t[3] ?? "0", System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }
}
