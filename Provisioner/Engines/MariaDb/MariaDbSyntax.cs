using System.Text;

namespace Rollout.Provisioner.Engines.MariaDb;

/// <summary>
/// Quoting for MariaDB under the session sql_mode the Provisioner pins (no ANSI_QUOTES, no
/// NO_BACKSLASH_ESCAPES): identifiers in backticks, string literals in single quotes.
/// </summary>
public static class MariaDbSyntax
{
    /// <summary>The sql_mode every Provisioner session runs with, whatever the server default is.</summary>
    public const string PinnedSqlMode = "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION";

    public static string Identifier(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    public static string Literal(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\'' => "''",
                '\\' => "\\\\",
                '\0' => "\\0",
                _ => c.ToString(),
            });
        }
        return builder.Append('\'').ToString();
    }

    /// <summary>'user'@'host' as CREATE USER / GRANT expect it.</summary>
    public static string Account(string user, string host) => Literal(user) + "@" + Literal(host);

    /// <summary>
    /// A database name as a GRANT pattern: `_` and `%` are wildcards in database-level grants, so
    /// GRANT ON mo_crm.* would also match moXcrm. Escaped, mysql.db holds exactly this pattern.
    /// </summary>
    public static string GrantPattern(string database) =>
        database.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal);

    /// <summary>
    /// The one database name a pattern without wildcards stands for (escapes removed), or null when it has
    /// a wildcard and may cover several: then <see cref="PatternMatches"/> decides per name.
    /// </summary>
    public static string? LiteralName(string pattern)
    {
        var name = new System.Text.StringBuilder(pattern.Length);
        for (var p = 0; p < pattern.Length; p++)
        {
            var c = pattern[p];
            if (c == '%' || c == '_') return null;
            if (c == '\\' && p + 1 < pattern.Length) c = pattern[++p];
            name.Append(c);
        }
        return name.ToString();
    }

    /// <summary>Whether a mysql.db pattern (LIKE syntax, backslash escapes) covers the database name.</summary>
    public static bool PatternMatches(string pattern, string database)
    {
        return Match(0, 0);

        bool Match(int p, int d)
        {
            while (p < pattern.Length)
            {
                var c = pattern[p];
                if (c == '%')
                {
                    for (var skip = d; skip <= database.Length; skip++)
                        if (Match(p + 1, skip)) return true;
                    return false;
                }
                if (d >= database.Length) return false;
                if (c == '\\' && p + 1 < pattern.Length)
                {
                    if (pattern[p + 1] != database[d]) return false;
                    p += 2;
                }
                else if (c == '_' || c == database[d]) p++;
                else return false;
                d++;
            }
            return d == database.Length;
        }
    }
}
