using MySqlConnector;

namespace Rollout.Provisioner.Migration;

public enum Severity { Info, Warning, Error }

public sealed record Finding(Severity Severity, string Message)
{
    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()}: {Message}";
}

/// <summary>
/// Everything checked before a byte is copied: versions, the source account's privileges (a dump user without them
/// silently loses triggers and routines), sizes and free space, an empty target with its service user, definers,
/// and rows that would collide under the target collation. Reads only, on both servers.
/// </summary>
public sealed class Preflight(MigrationPair pair, MySqlConnection source, MySqlConnection target, IReadOnlyList<TableShape> tables)
{
    private static readonly string[] DumpPrivileges = ["SELECT", "SHOW VIEW", "TRIGGER", "EVENT"];
    private readonly List<Finding> _findings = [];
    private string Db => pair.Name;

    public async Task<IReadOnlyList<Finding>> RunAsync(string workDirectory, bool definersToServiceUser, CancellationToken cancellationToken)
    {
        await VersionsAsync(cancellationToken);
        await SourcePrivilegesAsync(cancellationToken);
        SizeAndSpace(workDirectory);
        await TargetAsync(cancellationToken);
        var definers = await DefinerMap.ReadAsync(pair, source, target, definersToServiceUser, cancellationToken);
        _findings.AddRange(definers.Findings);
        await OwnerPrivilegesAsync(cancellationToken);
        _findings.AddRange(await CollationCheck.RunAsync(pair, source, tables, cancellationToken));
        foreach (var table in tables)
        {
            if (!table.HasPrimaryKey)
                Add(Severity.Warning, $"table {Db}.{table.Name} has no primary key: it is verified by a whole-table checksum, so a difference names the table but no key range.");
            if (!string.Equals(table.Engine, "InnoDB", StringComparison.OrdinalIgnoreCase))
                Add(Severity.Warning, $"table {Db}.{table.Name} uses {table.Engine}: --single-transaction is consistent for InnoDB only; keep the application stopped during the copy.");
        }
        return _findings;
    }

    private void Add(Severity severity, string message) => _findings.Add(new Finding(severity, message));

    private async Task VersionsAsync(CancellationToken cancellationToken)
    {
        var from = await SqlReader.ScalarAsync(source, "SELECT VERSION()", cancellationToken) ?? "?";
        var to = await SqlReader.ScalarAsync(target, "SELECT VERSION()", cancellationToken) ?? "?";
        Add(Severity.Info, $"versions: {pair.Source.Name} {from}, {pair.Target.Name} {to}");
        if (Version.TryParse(from.Split('-')[0], out var f) && Version.TryParse(to.Split('-')[0], out var t) && (t.Major, t.Minor).CompareTo((f.Major, f.Minor)) < 0)
            Add(Severity.Warning, $"{pair.Target.Name} ({to}) is older than {pair.Source.Name} ({from}): objects using newer syntax may fail to restore.");
    }

    private async Task SourcePrivilegesAsync(CancellationToken cancellationToken)
    {
        const string ownGrantee = "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')";
        var held = (await SqlReader.RowsAsync(source,
                $"SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = {ownGrantee} AND TABLE_SCHEMA IN (@p0, @p1) " +
                $"UNION SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = {ownGrantee}",
                cancellationToken, Db, Db.Replace("_", "\\_", StringComparison.Ordinal)))
            .Select(r => r[0]!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = DumpPrivileges.Where(p => !held.Contains(p)).ToList();
        if (missing.Count > 0)
            Add(Severity.Error, $"the source account {pair.ServiceUser} on {pair.Source.Name} lacks {string.Join(", ", missing)} on {Db}: mariadb-dump would fail or silently lose views, triggers or events. " +
                $"Grant these read privileges on {pair.Source.Name} (e.g. in Plesk, or GRANT {string.Join(", ", missing)} ON `{Db.Replace("_", "\\_", StringComparison.Ordinal)}`.* TO '{pair.ServiceUser}'@'<its host>') and run migrate again.");
        foreach (var row in await SqlReader.RowsAsync(source,
                     "SELECT ROUTINE_TYPE, ROUTINE_NAME, DEFINER FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = @p0 AND ROUTINE_DEFINITION IS NULL", cancellationToken, Db))
            Add(Severity.Error, $"{row[0]!.ToLowerInvariant()} {Db}.{row[1]}: its body is not readable by {pair.ServiceUser} (definer {row[2]}), so the dump would lose it. Make {pair.ServiceUser} its definer on {pair.Source.Name}.");
    }

    private void SizeAndSpace(string workDirectory)
    {
        var bytes = tables.Sum(t => t.Bytes);
        Add(Severity.Info, $"size: {tables.Count} tables, {Megabytes(bytes)} of data and indexes on {pair.Source.Name}");
        Directory.CreateDirectory(workDirectory);
        var free = new DriveInfo(Path.GetPathRoot(Path.GetFullPath(workDirectory))!).AvailableFreeSpace;
        // The dump is kept (it is the backup) and rewritten once for the restore: room for two copies and a margin.
        var needed = 2 * bytes + 64L * 1024 * 1024;
        if (free < needed)
            Add(Severity.Error, $"free space: {Megabytes(free)} free where the dump is written ({workDirectory}), {Megabytes(needed)} needed; use --work-dir on a larger disk.");
        else
            Add(Severity.Info, $"free space: {Megabytes(free)} free for the dump in {workDirectory}; the target host's free disk is not visible over SQL: make sure it has at least {Megabytes(bytes)} more.");
    }

    private async Task TargetAsync(CancellationToken cancellationToken)
    {
        var where = $"{pair.Target.Name}.{Db}";
        if (await SqlReader.ScalarAsync(target, "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @p0", cancellationToken, Db) is null)
        {
            Add(Severity.Error, $"{where} does not exist: run `apply --env <env>` first (it creates the database and its service user as for any new database).");
            return;
        }
        if (await SqlReader.ScalarAsync(target, "SELECT COUNT(*) FROM mysql.global_priv WHERE User = @p0 AND Host = @p1", cancellationToken, pair.ServiceUser, pair.TargetUserHost) == "0")
            Add(Severity.Error, $"service user '{pair.ServiceUser}'@'{pair.TargetUserHost}' does not exist on {pair.Target.Name}: run `apply --env <env>` first.");
        var present = await SqlReader.RowsAsync(target,
            "SELECT CONCAT(LOWER(TABLE_TYPE), ' ', TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = @p0 " +
            "UNION ALL SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = @p0 " +
            "UNION ALL SELECT CONCAT('event ', EVENT_NAME) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = @p0", cancellationToken, Db);
        if (present.Count > 0)
            Add(Severity.Error, $"target {where} is not empty ({string.Join(", ", present.Take(10).Select(r => r[0]))}{(present.Count > 10 ? ", …" : "")}): migrate copies into an empty database only. " +
                "If these are left from an earlier attempt, drop them (or the database, then run apply); compare live data with --verify-only.");
    }

    /// <summary>
    /// Objects owned by the service user run with its privileges: without EXECUTE its functions and procedures are denied,
    /// without TRIGGER its triggers. The plan's grant list has neither, so say so before the move rather than after.
    /// </summary>
    private async Task OwnerPrivilegesAsync(CancellationToken cancellationToken)
    {
        var needs = new List<(string Privilege, string Objects)>();
        foreach (var (privilege, sql) in new[]
                 {
                     ("EXECUTE", "SELECT GROUP_CONCAT(CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME) SEPARATOR ', ') FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = @p0"),
                     ("TRIGGER", "SELECT GROUP_CONCAT(CONCAT('trigger ', TRIGGER_NAME) SEPARATOR ', ') FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = @p0"),
                     ("EVENT", "SELECT GROUP_CONCAT(CONCAT('event ', EVENT_NAME) SEPARATOR ', ') FROM information_schema.EVENTS WHERE EVENT_SCHEMA = @p0"),
                 })
            if (await SqlReader.ScalarAsync(source, sql, cancellationToken, Db) is { Length: > 0 } objects) needs.Add((privilege, objects));
        if (needs.Count == 0) return;
        var held = (await SqlReader.RowsAsync(target,
                "SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = @p0 AND TABLE_SCHEMA IN (@p1, @p2)", cancellationToken,
                $"'{pair.ServiceUser}'@'{pair.TargetUserHost}'", Db, Db.Replace("_", "\\_", StringComparison.Ordinal)))
            .Select(r => r[0]!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (privilege, objects) in needs.Where(n => !held.Contains(n.Privilege)))
            Add(Severity.Warning, $"{pair.ServiceUser} has no {privilege} on {pair.Target.Name}.{Db} (grants.mariadb in rollout.yaml): {objects} will be denied when used after the move. Add {privilege} to grants.mariadb and run apply if the application uses them.");
    }

    private static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MB";
}
