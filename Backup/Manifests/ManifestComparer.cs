namespace Rollout.Backup.Manifests;

/// <summary>Compares a restored database with the manifest of its backup; every difference names the table or object.</summary>
public static class ManifestComparer
{
    public static IReadOnlyList<string> Differences(DatabaseContent expected, DatabaseContent actual)
    {
        var problems = new List<string>();
        var restored = actual.Tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var table in expected.Tables)
        {
            if (!restored.Remove(table.Name, out var found))
                problems.Add($"table {table.Name}: missing after restore");
            else if (found.Rows != table.Rows)
                problems.Add($"table {table.Name}: {found.Rows} rows restored, the backup had {table.Rows}");
            else if (found.Checksum != table.Checksum)
                problems.Add($"table {table.Name}: content checksum differs ({found.Checksum} restored, {table.Checksum} at backup)");
        }
        problems.AddRange(restored.Keys.Select(name => $"table {name}: restored but not in the backup's manifest"));
        Compare("view", expected.Views, actual.Views, problems);
        Compare("trigger", expected.Triggers, actual.Triggers, problems);
        Compare("routine", expected.Routines, actual.Routines, problems);
        Compare("event", expected.Events, actual.Events, problems);
        return problems;
    }

    private static void Compare(string kind, IReadOnlyList<string> expected, IReadOnlyList<string> actual, List<string> problems)
    {
        problems.AddRange(expected.Except(actual, StringComparer.Ordinal).Select(name => $"{kind} {name}: missing after restore"));
        problems.AddRange(actual.Except(expected, StringComparer.Ordinal).Select(name => $"{kind} {name}: restored but not in the backup's manifest"));
    }
}
