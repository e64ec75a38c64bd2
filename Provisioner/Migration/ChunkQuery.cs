using static Rollout.Provisioner.Migration.SqlReader;

namespace Rollout.Provisioner.Migration;

/// <summary>
/// The SQL of pt-table-checksum's chunk query (percona-toolkit, t/pt-table-checksum/chunk_column.t), run unchanged on
/// both servers: COUNT(*) and BIT_XOR of CRC32(CONCAT_WS('#', columns…, CONCAT(ISNULL(nullable)…))) over a key range.
/// BIT_XOR makes it independent of row order. Character columns go through CONVERT(… USING utf8mb4) so that a table
/// converted to the target collation still compares by its characters, and a mix of column collations cannot clash.
/// </summary>
public sealed class ChunkQuery(string database, TableShape table)
{
    public TableShape Table => table;

    private string From => Identifier(database) + "." + Identifier(table.Name);

    private string RowText =>
        "CONCAT_WS('#', " + string.Join(", ", table.Columns.Select(Expression)) +
        (table.Columns.Any(c => c.Nullable) ? ", CONCAT(" + string.Join(", ", table.Columns.Where(c => c.Nullable).Select(c => $"ISNULL({Identifier(c.Name)})")) + ")" : "") + ")";

    private static string Expression(ColumnShape column) =>
        column.Charset is null ? Identifier(column.Name) : $"CONVERT({Identifier(column.Name)} USING utf8mb4)";

    private string KeyList => string.Join(", ", table.PrimaryKey.Select(Identifier));

    /// <summary>Count and checksum of the rows with lower &lt; key ≤ upper; a null bound is open. Parameters: lower then upper.</summary>
    public string Checksum(bool hasLower, bool hasUpper) =>
        $"SELECT COUNT(*) cnt, COALESCE(LOWER(CONV(BIT_XOR(CAST(CRC32({RowText}) AS UNSIGNED)), 10, 16)), 0) crc FROM {From}{Where(hasLower, hasUpper)}";

    /// <summary>Per row: the key and its CRC, to name the rows of a chunk that differs.</summary>
    public string RowChecksums(bool hasLower, bool hasUpper) =>
        $"SELECT {KeyList}, CRC32({RowText}) FROM {From}{Where(hasLower, hasUpper)} ORDER BY {KeyList}";

    /// <summary>The key that ends a chunk of <paramref name="size"/> rows after the given lower bound (none: the last chunk).</summary>
    public string NextBoundary(bool hasLower, int size) =>
        $"SELECT {KeyList} FROM {From}{Where(hasLower, false)} ORDER BY {KeyList} LIMIT 1 OFFSET {size - 1}";

    private string Where(bool hasLower, bool hasUpper)
    {
        if (!table.HasPrimaryKey || (!hasLower && !hasUpper)) return "";
        var width = table.PrimaryKey.Count;
        string Row(int offset) => "(" + string.Join(", ", Enumerable.Range(offset, width).Select(i => "@p" + i)) + ")";
        var conditions = new List<string>();
        if (hasLower) conditions.Add($"({KeyList}) > {Row(0)}");
        if (hasUpper) conditions.Add($"({KeyList}) <= {Row(hasLower ? width : 0)}");
        return " WHERE " + string.Join(" AND ", conditions);
    }
}
