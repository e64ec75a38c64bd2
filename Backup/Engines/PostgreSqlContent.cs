using Npgsql;
using Rollout.Backup.Manifests;

namespace Rollout.Backup.Engines;

/// <summary>
/// A PostgreSQL database's content by query: per user table count(*) and an order-independent checksum over each row's
/// text form (XOR of a 64-bit MD5 prefix, sum of hashtext); views, triggers and functions by name. Objects that belong
/// to an extension are the extension's, restored by CREATE EXTENSION, and left out.
/// </summary>
internal static class PostgreSqlContent
{
    private const string UserNamespace = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";
    private const string NotFromExtension = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {0}.oid AND d.deptype = 'e')";

    public static async Task<DatabaseContent> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var tableNames = await NamesAsync(connection, transaction,
            $"SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            $"WHERE c.relkind IN ('r', 'p') AND {UserNamespace} AND {string.Format(System.Globalization.CultureInfo.InvariantCulture, NotFromExtension, "c")}", cancellationToken);
        var tables = new List<TableChecksum>();
        foreach (var table in tableNames)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*), coalesce(bit_xor(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint), 0)::text || ':' || " +
                $"coalesce(sum(hashtext(t::text)::bigint), 0)::text FROM ONLY {table} AS t", connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            tables.Add(new TableChecksum(table, reader.GetInt64(0), reader.GetString(1)));
        }
        return new DatabaseContent(tables,
            await NamesAsync(connection, transaction,
                $"SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND {UserNamespace} " +
                $"AND {string.Format(System.Globalization.CultureInfo.InvariantCulture, NotFromExtension, "c")}", cancellationToken),
            await NamesAsync(connection, transaction,
                "SELECT format('%I.%I', c.relname, t.tgname) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal", cancellationToken),
            await NamesAsync(connection, transaction,
                $"SELECT format('%s %I.%I(%s)', p.prokind, n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace " +
                $"WHERE {UserNamespace} AND {string.Format(System.Globalization.CultureInfo.InvariantCulture, NotFromExtension, "p")}", cancellationToken),
            []);
    }

    private static async Task<IReadOnlyList<string>> NamesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) names.Add(reader.GetString(0));
        return names.Order(StringComparer.Ordinal).ToList();
    }
}
