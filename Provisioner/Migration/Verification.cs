using MySqlConnector;

namespace Rollout.Provisioner.Migration;

/// <summary>The outcome of comparing the two live databases: schema objects and every table's counts and checksums.</summary>
public sealed record VerificationResult(IReadOnlyList<TableResult> Tables, IReadOnlyList<string> SchemaDifferences, IReadOnlyDictionary<string, int> ObjectCounts)
{
    public bool Equal => SchemaDifferences.Count == 0 && Tables.All(t => t.Equal);

    public IEnumerable<string> Problems =>
        SchemaDifferences.Select(d => "schema: " + d)
            .Concat(Tables.Where(t => !t.Equal && t.Differences.Count == 0).Select(t => $"table {t.Table}: source {t.SourceRows} rows, target {t.TargetRows} rows"))
            .Concat(Tables.SelectMany(t => t.Differences).Select(d => d.ToString()));
}

/// <summary>Compares the database on both servers: the same catalog queries and the same chunk queries on each side.</summary>
public static class Verification
{
    public const int DefaultChunkSize = 1000;

    public static async Task<VerificationResult> RunAsync(MigrationPair pair, MySqlConnection source, MySqlConnection target, int chunkSize, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        // One snapshot per side, so that chunk boundaries and checksums see one state of each database.
        foreach (var connection in new[] { source, target })
        {
            await using var begin = new MySqlCommand("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", connection);
            await begin.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            var sourceTables = await TableShape.ReadAllAsync(source, pair.Name, cancellationToken);
            var converted = sourceTables.Where(t => pair.Database.Collation is { } c && !string.Equals(t.Collation, c, StringComparison.OrdinalIgnoreCase)).Select(t => t.Name).ToHashSet();
            var sourceSchema = await SchemaObjects.ReadAsync(source, pair.Name, converted, cancellationToken);
            var targetSchema = await SchemaObjects.ReadAsync(target, pair.Name, converted, cancellationToken);
            var counts = new[] { "table", "column", "index", "view", "trigger", "routine", "event" }.ToDictionary(k => k, sourceSchema.Count);
            var tables = new List<TableResult>();
            foreach (var table in sourceTables)
            {
                if (!await ExistsAsync(target, pair.Name, table.Name, cancellationToken))
                {
                    tables.Add(new TableResult(table.Name, "missing on target", 0, -1, -1, "", "", [new ChunkDifference(table.Name, "whole table", -1, -1, ["table missing on target"])]));
                    continue;
                }
                var result = await TableVerifier.VerifyAsync(source, target, pair.Name, table, chunkSize, cancellationToken);
                progress?.Report($"  {table.Name}: {result.SourceRows} rows, {result.Chunks} chunk(s), {(result.Equal ? "equal" : "DIFFERENT")} ({result.Method})");
                tables.Add(result);
            }
            return new VerificationResult(tables, SchemaObjects.Differences(sourceSchema, targetSchema), counts);
        }
        finally
        {
            foreach (var connection in new[] { source, target })
            {
                await using var end = new MySqlCommand("COMMIT", connection);
                await end.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    private static async Task<bool> ExistsAsync(MySqlConnection connection, string database, string table, CancellationToken cancellationToken) =>
        await SqlReader.ScalarAsync(connection, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = @p0 AND TABLE_NAME = @p1", cancellationToken, database, table) != "0";
}
