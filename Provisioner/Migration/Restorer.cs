using System.Text.RegularExpressions;
using MySqlConnector;
using static Rollout.Provisioner.Migration.SqlReader;

namespace Rollout.Provisioner.Migration;

/// <summary>
/// Loads the restore script into the empty target database with the real mariadb client as the target's admin
/// (the definers in the script are already the service user). A failure names the table being restored, and the
/// target database is emptied again so that the next attempt starts clean; the source is never involved.
/// </summary>
public static partial class Restorer
{
    [GeneratedRegex(@"at line (?<line>\d+)")]
    private static partial Regex AtLine();

    public static async Task RestoreAsync(MigrationPair pair, string script, SortedList<int, string> sections, CancellationToken cancellationToken)
    {
        var result = await ClientTool.RunAsync("mariadb", pair.Target, pair.Target.AdminUser!, pair.Target.AdminPassword!,
            ["--database=" + pair.Name, "--default-character-set=utf8mb4", "--batch"], script, cancellationToken);
        if (result.ExitCode == 0) return;
        // The client echoes the failing statement between dashes; its ERROR line is what names the cause.
        var error = result.Error.Split('\n').LastOrDefault(l => l.StartsWith("ERROR", StringComparison.Ordinal))?.Trim() ?? result.Error;
        var where = AtLine().Match(error) is { Success: true } m
            ? SectionOf(sections, int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture))
            : null;
        var emptied = await EmptyTargetAsync(pair, cancellationToken);
        throw new MigrationFailedException(
            $"restore into {pair.Target.Name}.{pair.Name} failed{(where is null ? "" : $" at table {where}")}: {error} (a lost connection or a stopped server shows as such). {emptied} " +
            $"The source {pair.Source.Name}.{pair.Name} was only read and is unchanged; fix the cause and run migrate again.");
    }

    private static string? SectionOf(SortedList<int, string> sections, int line) =>
        sections.LastOrDefault(s => s.Key <= line).Value;

    /// <summary>Converts the tables whose collation differs from the one rollout.yaml declares for the database.</summary>
    public static async Task<IReadOnlyList<string>> ConvertCollationsAsync(MigrationPair pair, MySqlConnection target, IReadOnlyList<TableShape> tables, CancellationToken cancellationToken)
    {
        var converted = new List<string>();
        if (pair.Database.Collation is not { } collation || pair.Database.Charset is not { } charset) return converted;
        foreach (var table in tables.Where(t => !string.Equals(t.Collation, collation, StringComparison.OrdinalIgnoreCase)))
        {
            try
            {
                await using var command = new MySqlCommand($"ALTER TABLE {Identifier(pair.Name)}.{Identifier(table.Name)} CONVERT TO CHARACTER SET {charset} COLLATE {collation}", target);
                command.CommandTimeout = 0;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (MySqlException e)
            {
                var emptied = await EmptyTargetAsync(pair, cancellationToken);
                throw new MigrationFailedException($"converting {pair.Target.Name}.{pair.Name}.{table.Name} from {table.Collation} to {collation} failed: {e.Message}. {emptied}", e);
            }
            converted.Add($"{table.Name}: {table.Collation} → {collation}");
        }
        return converted;
    }

    /// <summary>Drops and recreates the target database (it was empty before: preflight checked). Grants on it survive a DROP DATABASE.</summary>
    public static async Task<string> EmptyTargetAsync(MigrationPair pair, CancellationToken cancellationToken)
    {
        var options = pair.Database.Charset is { } cs ? $" CHARACTER SET {cs}" + (pair.Database.Collation is { } c ? $" COLLATE {c}" : "") : "";
        try
        {
            await using var target = await pair.OpenTargetAdminAsync(cancellationToken);
            await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS {Identifier(pair.Name)}; CREATE DATABASE {Identifier(pair.Name)}{options}", target);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return $"The partial copy on {pair.Target.Name} was removed (the database is empty again).";
        }
        catch (Exception e) when (e is MigrationFailedException or MySqlException or IOException)
        {
            return $"The partial copy on {pair.Target.Name} could not be removed ({e.Message}): drop the objects in {pair.Target.Name}.{pair.Name} before the next attempt.";
        }
    }
}
