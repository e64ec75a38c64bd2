using MySqlConnector;
using Rollout.Backup.Manifests;

namespace Rollout.Backup.Engines;

/// <summary>
/// A MariaDB database's content by query: per base table COUNT(*) and an order-independent checksum (XOR of a 64-bit
/// MD5 prefix and the sum of CRC32 over each row's columns, NULLs marked separately so NULL and '' differ), plus the
/// names of views, triggers, routines and events. Valid across servers of the same version and charset.
/// </summary>
internal static class MariaDbContent
{
    public static async Task<DatabaseContent> ReadAsync(MySqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var columns = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var command = new MySqlCommand(
            "SELECT c.TABLE_NAME, c.COLUMN_NAME FROM information_schema.COLUMNS c JOIN information_schema.TABLES t " +
            "ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME WHERE c.TABLE_SCHEMA = @d AND t.TABLE_TYPE = 'BASE TABLE' " +
            "ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION", connection))
        {
            command.Parameters.AddWithValue("@d", database);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!columns.TryGetValue(reader.GetString(0), out var list)) columns[reader.GetString(0)] = list = [];
                list.Add(reader.GetString(1));
            }
        }
        var tables = new List<TableChecksum>();
        foreach (var (table, names) in columns.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var quoted = names.Select(n => "`" + n.Replace("`", "``", StringComparison.Ordinal) + "`").ToList();
            var row = $"CONCAT_WS('#', {string.Join(", ", quoted)}, CONCAT({string.Join(", ", quoted.Select(q => $"ISNULL({q})"))}))";
            await using var command = new MySqlCommand(
                $"SELECT COUNT(*), COALESCE(BIT_XOR(CAST(CONV(LEFT(MD5({row}), 16), 16, 10) AS UNSIGNED)), 0), COALESCE(SUM(CRC32({row})), 0) " +
                $"FROM `{database.Replace("`", "``", StringComparison.Ordinal)}`.`{table.Replace("`", "``", StringComparison.Ordinal)}`", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            tables.Add(new TableChecksum(table, reader.GetInt64(0), $"{reader.GetValue(1)}:{reader.GetValue(2)}"));
        }
        return new DatabaseContent(tables,
            await NamesAsync(connection, "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = @d", database, cancellationToken),
            await NamesAsync(connection, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = @d", database, cancellationToken),
            await NamesAsync(connection, "SELECT CONCAT(type, ' ', name) FROM mysql.proc WHERE db = @d", database, cancellationToken),
            await NamesAsync(connection, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = @d", database, cancellationToken));
    }

    private static async Task<IReadOnlyList<string>> NamesAsync(MySqlConnection connection, string sql, string database, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@d", database);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) names.Add(reader.GetString(0));
        return names.Order(StringComparer.Ordinal).ToList();
    }
}
