using MySqlConnector;

namespace Rollout.Provisioner.Migration;

/// <summary>Small helpers for the read queries of a migration (parameters bound, values as strings).</summary>
internal static class SqlReader
{
    public static string Identifier(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    public static async Task<List<string?[]>> RowsAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<string?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            rows.Add(row);
        }
        return rows;
    }

    public static async Task<string?> ScalarAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static MySqlCommand Command(MySqlConnection connection, string sql, IReadOnlyList<object?> parameters)
    {
        var command = new MySqlCommand(sql, connection);
        for (var i = 0; i < parameters.Count; i++) command.Parameters.AddWithValue("@p" + i, parameters[i] ?? DBNull.Value);
        return command;
    }
}
