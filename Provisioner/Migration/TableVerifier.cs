using System.Globalization;
using MySqlConnector;

namespace Rollout.Provisioner.Migration;

/// <summary>A key range of a table whose rows differ between the servers, with the rows named where they could be.</summary>
public sealed record ChunkDifference(string Table, string KeyRange, long SourceRows, long TargetRows, IReadOnlyList<string> Rows)
{
    public override string ToString() =>
        $"table {Table}, {KeyRange}: source {SourceRows} rows, target {TargetRows} rows, checksums differ" +
        (Rows.Count > 0 ? $" ({string.Join("; ", Rows)})" : "");
}

/// <summary>One table compared: counts and checksums on both sides (the checksum is the BIT_XOR over all chunks).</summary>
public sealed record TableResult(string Table, string Method, int Chunks, long SourceRows, long TargetRows, string SourceChecksum, string TargetChecksum, IReadOnlyList<ChunkDifference> Differences)
{
    public bool Equal => Differences.Count == 0 && SourceRows == TargetRows && SourceChecksum == TargetChecksum;
}

/// <summary>Compares one table chunk by chunk along its primary key; chunk boundaries come from the source.</summary>
public static class TableVerifier
{
    private const int RowsNamedPerChunk = 10;

    public static async Task<TableResult> VerifyAsync(MySqlConnection source, MySqlConnection target, string database, TableShape table, int chunkSize, CancellationToken cancellationToken)
    {
        var query = new ChunkQuery(database, table);
        if (!table.HasPrimaryKey)
        {
            var s = await ChecksumAsync(source, query.Checksum(false, false), [], cancellationToken);
            var t = await ChecksumAsync(target, query.Checksum(false, false), [], cancellationToken);
            var differences = s == t ? [] : new[] { new ChunkDifference(table.Name, "whole table (no primary key, so no key range can be named)", s.Rows, t.Rows, []) };
            return new TableResult(table.Name, "whole-table checksum: no primary key", 1, s.Rows, t.Rows, s.Crc, t.Crc, differences);
        }

        var found = new List<ChunkDifference>();
        long sourceRows = 0, targetRows = 0;
        ulong sourceCrc = 0, targetCrc = 0;
        var chunks = 0;
        object?[]? lower = null;
        while (true)
        {
            var upper = await BoundaryAsync(source, query, lower, chunkSize, cancellationToken);
            var parameters = (lower ?? []).Concat(upper ?? []).ToArray();
            var sql = query.Checksum(lower is not null, upper is not null);
            var s = await ChecksumAsync(source, sql, parameters, cancellationToken);
            var t = await ChecksumAsync(target, sql, parameters, cancellationToken);
            chunks++;
            sourceRows += s.Rows;
            targetRows += t.Rows;
            sourceCrc ^= Convert.ToUInt64(s.Crc, 16);
            targetCrc ^= Convert.ToUInt64(t.Crc, 16);
            if (s != t)
            {
                var rows = await NameRowsAsync(source, target, query, lower, upper, cancellationToken);
                found.Add(new ChunkDifference(table.Name, DescribeRange(table, lower, upper), s.Rows, t.Rows, rows));
            }
            if (upper is null) break;
            lower = upper;
        }
        return new TableResult(table.Name, $"chunked by primary key ({string.Join(", ", table.PrimaryKey)}), {chunkSize} rows a chunk", chunks,
            sourceRows, targetRows, sourceCrc.ToString("x", CultureInfo.InvariantCulture), targetCrc.ToString("x", CultureInfo.InvariantCulture), found);
    }

    private sealed record Sum(long Rows, string Crc);

    private static async Task<Sum> ChecksumAsync(MySqlConnection connection, string sql, object?[] parameters, CancellationToken cancellationToken)
    {
        await using var command = SqlReader.Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Sum(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture) ?? "0");
    }

    private static async Task<object?[]?> BoundaryAsync(MySqlConnection source, ChunkQuery query, object?[]? lower, int chunkSize, CancellationToken cancellationToken)
    {
        await using var command = SqlReader.Command(source, query.NextBoundary(lower is not null, chunkSize), lower ?? []);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var values = new object?[reader.FieldCount];
        for (var i = 0; i < values.Length; i++) values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        return values;
    }

    /// <summary>Within a chunk that differs: which keys are missing, extra or changed (a chunk is small, so this is cheap).</summary>
    private static async Task<IReadOnlyList<string>> NameRowsAsync(MySqlConnection source, MySqlConnection target, ChunkQuery query, object?[]? lower, object?[]? upper, CancellationToken cancellationToken)
    {
        var sql = query.RowChecksums(lower is not null, upper is not null);
        var parameters = (lower ?? []).Concat(upper ?? []).ToArray();
        var width = query.Table.PrimaryKey.Count;
        async Task<Dictionary<string, string?>> ReadAsync(MySqlConnection connection) =>
            (await SqlReader.RowsAsync(connection, sql, cancellationToken, parameters))
            .ToDictionary(r => string.Join(", ", query.Table.PrimaryKey.Select((k, i) => $"{k}={r[i]}")), r => r[width]);
        var s = await ReadAsync(source);
        var t = await ReadAsync(target);
        var named = new List<string>();
        named.AddRange(s.Keys.Where(k => !t.ContainsKey(k)).Select(k => $"row {k} only on source"));
        named.AddRange(t.Keys.Where(k => !s.ContainsKey(k)).Select(k => $"row {k} only on target"));
        named.AddRange(s.Where(p => t.TryGetValue(p.Key, out var crc) && crc != p.Value).Select(p => $"row {p.Key} changed"));
        return named.Count > RowsNamedPerChunk ? [.. named.Take(RowsNamedPerChunk), $"… {named.Count - RowsNamedPerChunk} more"] : named;
    }

    public static string DescribeRange(TableShape table, object?[]? lower, object?[]? upper)
    {
        var key = string.Join(", ", table.PrimaryKey);
        string Values(object?[] v) => string.Join(", ", v.Select(x => Convert.ToString(x, CultureInfo.InvariantCulture) ?? "NULL"));
        return (lower, upper) switch
        {
            (null, null) => $"key ({key}) whole range",
            (null, { } u) => $"key ({key}) ≤ ({Values(u)})",
            ({ } l, null) => $"key ({key}) > ({Values(l)})",
            ({ } l, { } u) => $"key ({key}) > ({Values(l)}) and ≤ ({Values(u)})",
        };
    }
}
