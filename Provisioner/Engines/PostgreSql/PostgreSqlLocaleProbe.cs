using Npgsql;
using static Rollout.Provisioner.Engines.PostgreSql.PostgreSqlSyntax;

namespace Rollout.Provisioner.Engines.PostgreSql;

/// <summary>
/// Whether the server can create databases with the given locales, checked before anything changes.
/// pg_collation lists the locales the server found at initdb, which settles most cases without writing
/// anything; a locale generated later is probed with a temporary collation in a transaction that is
/// always rolled back. The probe needs TEMPORARY on the maintenance database, which a non-superuser admin
/// loses when PUBLIC is revoked there; that case is told apart from a missing locale.
/// </summary>
internal static class PostgreSqlLocaleProbe
{
    private const string InsufficientPrivilege = "42501";

    /// <summary>Each locale the server lacks (or that cannot be verified), with the problem and the fix.</summary>
    public static async Task<IReadOnlyList<(string Locale, string Problem)>> FindMissingAsync(NpgsqlConnection connection, string admin,
        IReadOnlyList<string> locales, CancellationToken cancellationToken)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT collcollate FROM pg_collation WHERE collprovider = 'c' AND collcollate IS NOT NULL", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) known.Add(NormalizeLocale(reader.GetString(0)));

        var missing = new List<(string, string)>();
        foreach (var locale in locales.Where(l => !known.Contains(NormalizeLocale(l))))
        {
            var failure = await ProbeAsync(connection, locale, cancellationToken);
            if (failure is null) continue;
            missing.Add((locale, failure.SqlState == InsufficientPrivilege
                ? $"cannot be verified: it is not among the server's collations and admin '{admin}' may not create a temporary collation to test it ({failure.MessageText}). " +
                  $"Fix: as a superuser, GRANT TEMPORARY ON DATABASE postgres TO {Identifier(admin)}; or make sure the locale exists on the database server."
                : $"does not exist on the server: {failure.MessageText}. " +
                  $"Fix: generate it on the database server (Debian: add '{locale} UTF-8' to /etc/locale.gen, run locale-gen) and restart PostgreSQL."));
        }
        return missing;
    }

    private static async Task<PostgresException?> ProbeAsync(NpgsqlConnection connection, string locale, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand($"CREATE COLLATION pg_temp.rollout_locale_probe (LC_COLLATE = {Literal(locale)}, LC_CTYPE = {Literal(locale)})", connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return null;
        }
        catch (PostgresException e)
        {
            return e;
        }
        finally
        {
            await transaction.RollbackAsync(cancellationToken);
        }
    }
}
