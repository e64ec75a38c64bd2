namespace Rollout.Provisioner.Engines.PostgreSql;

/// <summary>PostgreSQL quoting (standard_conforming_strings on, as Npgsql requires).</summary>
public static class PostgreSqlSyntax
{
    /// <summary>PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1).</summary>
    public const int MaxIdentifierBytes = 63;

    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string value)
    {
        if (value.Contains('\0')) throw new ArgumentException("PostgreSQL string literals cannot contain NUL characters.", nameof(value));
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Compares locale names the way the server means them: de_AT.UTF-8 equals de_AT.utf8.</summary>
    public static string NormalizeLocale(string locale)
    {
        var dot = locale.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) return locale;
        var codeset = locale[(dot + 1)..].Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        return locale[..dot] + "." + codeset;
    }

    public static string NormalizeEncoding(string encoding) =>
        encoding.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();
}
