using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Rollout.Provisioner.Migration;

/// <summary>The kept dump of the source (the backup taken before anything else) and what checking it found.</summary>
public sealed record DumpSummary(string Path, long Bytes, string Sha256, int Tables, int DataSections);

/// <summary>
/// Takes the consistent, read-only dump of the source with mariadb-dump and keeps it as the full backup, checked:
/// the program's exit status, its completion trailer and one table definition per source table. Then writes the
/// restore script from it: the sandbox first line of 10.11.8+ dropped, DEFINER clauses rewritten.
/// </summary>
public static partial class DumpFile
{
    [GeneratedRegex("^-- (?:Table structure for table|Dumping data for table|Temporary table structure for view|Final view structure for view) `(?<name>(?:[^`]|``)+)`")]
    private static partial Regex SectionComment();

    public static async Task<DumpSummary> TakeAsync(MigrationPair pair, string directory, int expectedTables, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, $"{pair.Name}.source.sql");
        // Created private first: mariadb-dump truncates and keeps the mode, so the data is never readable by others.
        await using (File.Create(path)) { }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var result = await ClientTool.RunAsync("mariadb-dump", pair.Source, pair.ServiceUser, pair.ServicePassword,
            ["--single-transaction", "--skip-lock-tables", "--routines", "--triggers", "--events", "--no-tablespaces", "--hex-blob", "--default-character-set=utf8mb4",
             "--result-file=" + path, pair.Name], null, cancellationToken);
        if (result.ExitCode != 0)
            throw new MigrationFailedException($"backup of {pair.Source.Name}.{pair.Name} failed (mariadb-dump exit {result.ExitCode}): {result.Error}. Nothing was copied.");

        int tables = 0, data = 0;
        string last = "";
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("CREATE TABLE `", StringComparison.Ordinal)) tables++;
            else if (line.StartsWith("-- Dumping data for table", StringComparison.Ordinal)) data++;
            if (line.Length > 0) last = line;
        }
        if (!last.StartsWith("-- Dump completed", StringComparison.Ordinal))
            throw new MigrationFailedException($"backup {path} is incomplete (no '-- Dump completed' trailer): do not use it; nothing was copied.");
        if (tables != expectedTables)
            throw new MigrationFailedException($"backup {path} holds {tables} table definitions but {pair.Source.Name}.{pair.Name} has {expectedTables} tables: nothing was copied.");
        await using var stream = File.OpenRead(path);
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        return new DumpSummary(path, new FileInfo(path).Length, sha, tables, data);
    }

    /// <summary>Writes the restore script; returns, per script line where a section starts, the table or view it restores.</summary>
    public static async Task<SortedList<int, string>> WriteRestoreScriptAsync(string dump, string script, DefinerMap definers, CancellationToken cancellationToken)
    {
        var sections = new SortedList<int, string>();
        await using (File.Create(script)) { }
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var writer = new StreamWriter(script, false, new System.Text.UTF8Encoding(false));
        var number = 0;
        foreach (var line in File.ReadLines(dump))
        {
            // mariadb-dump ≥ 10.11.8 starts with this line; older MariaDB and MySQL clients reject it.
            if (number == 0 && line.StartsWith("/*!999999\\- enable the sandbox mode", StringComparison.Ordinal)) continue;
            number++;
            if (SectionComment().Match(line) is { Success: true } section) sections[number] = section.Groups["name"].Value;
            else if (line.StartsWith("-- Dumping events", StringComparison.Ordinal)) sections[number] = "(events)";
            else if (line.StartsWith("-- Dumping routines", StringComparison.Ordinal)) sections[number] = "(routines)";
            await writer.WriteLineAsync(line.StartsWith("INSERT INTO ", StringComparison.Ordinal) ? line : definers.Rewrite(line));
        }
        return sections;
    }
}
