using MySqlConnector;
using static Rollout.Provisioner.Migration.SqlReader;

namespace Rollout.Provisioner.Migration;

/// <summary>
/// Tables whose collation differs from the target database's are converted after the restore. A collation change alters
/// uniqueness (fullwidth 'ｆm2012' equals 'fm2012' under utf8mb4_unicode_ci, two different emoji are equal there), so
/// every unique key with a character column is grouped under the target collation on the source first: rows that would
/// collide are named by key, before anything is copied.
/// </summary>
public static class CollationCheck
{
    public static async Task<IReadOnlyList<Finding>> RunAsync(MigrationPair pair, MySqlConnection source, IReadOnlyList<TableShape> tables, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        if (pair.Database.Collation is not { } collation || pair.Database.Charset is not { } charset) return findings;
        var indexes = (await RowsAsync(source,
                "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = @p0 AND NON_UNIQUE = 0 ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
                cancellationToken, pair.Name))
            .GroupBy(r => (Table: r[0]!, Index: r[1]!), r => r[2]!);
        foreach (var table in tables.Where(t => !string.Equals(t.Collation, collation, StringComparison.OrdinalIgnoreCase)))
        {
            findings.Add(new Finding(Severity.Info, $"table {pair.Name}.{table.Name} ({table.Collation}) will be converted to {charset}/{collation}, the collation rollout.yaml declares"));
            foreach (var index in indexes.Where(i => i.Key.Table == table.Name))
            {
                var columns = index.Select(c => table.Columns.Single(x => x.Name == c)).ToList();
                if (columns.All(c => c.Charset is null)) continue;
                var grouped = string.Join(", ", columns.Select(c => c.Charset is null ? Identifier(c.Name) : $"CONVERT({Identifier(c.Name)} USING {charset}) COLLATE {collation}"));
                var keys = table.HasPrimaryKey ? string.Join(", ", table.PrimaryKey.Select(Identifier)) : string.Join(", ", columns.Select(c => Identifier(c.Name)));
                var sql = $"SELECT COUNT(*), GROUP_CONCAT(CONCAT_WS(', ', {keys}) SEPARATOR ' | '), GROUP_CONCAT(CONCAT_WS(', ', {string.Join(", ", columns.Select(c => Identifier(c.Name)))}) SEPARATOR ' | ') " +
                          $"FROM {Identifier(table.Name)} WHERE {string.Join(" AND ", columns.Select(c => Identifier(c.Name) + " IS NOT NULL"))} GROUP BY {grouped} HAVING COUNT(*) > 1 LIMIT 5";
                foreach (var row in await RowsAsync(source, sql, cancellationToken))
                    findings.Add(new Finding(Severity.Error,
                        $"collation collision in table {pair.Name}.{table.Name}, unique index {index.Key.Index}: rows with key ({string.Join(", ", table.HasPrimaryKey ? table.PrimaryKey : index)}) = {row[1]} " +
                        $"hold values ({row[2]}) that are equal under {collation}, so the converted index would reject them. Make the values distinct on {pair.Source.Name}, or declare a collation that keeps them apart."));
            }
        }
        return findings;
    }
}
