using System.Text.RegularExpressions;
using MySqlConnector;

namespace Rollout.Provisioner.Migration;

/// <summary>
/// Who owns the views, triggers, routines and events after the move. The source's service user becomes the target's
/// service user (same name, the target's host); another definer that exists on the target is kept; one that does not
/// would make the object fail with error 1449, so it is an error unless --definers-to-service-user rewrites it.
/// </summary>
public sealed partial class DefinerMap
{
    private readonly Dictionary<(string User, string Host), (string User, string Host)> _rewrites = [];

    public IReadOnlyList<Finding> Findings { get; private init; } = [];

    [GeneratedRegex("DEFINER=`((?:[^`]|``)+)`@`((?:[^`]|``)+)`")]
    private static partial Regex DefinerClause();

    public static async Task<DefinerMap> ReadAsync(MigrationPair pair, MySqlConnection source, MySqlConnection target, bool toServiceUser, CancellationToken cancellationToken)
    {
        var objects = await SqlReader.RowsAsync(source,
            "SELECT 'view', TABLE_NAME, DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = @p0 " +
            "UNION ALL SELECT 'trigger', TRIGGER_NAME, DEFINER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = @p0 " +
            "UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME, DEFINER FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = @p0 " +
            "UNION ALL SELECT 'event', EVENT_NAME, DEFINER FROM information_schema.EVENTS WHERE EVENT_SCHEMA = @p0", cancellationToken, pair.Name);
        var findings = new List<Finding>();
        var map = new DefinerMap { Findings = findings };
        var owner = (pair.ServiceUser, pair.TargetUserHost);
        foreach (var group in objects.Where(o => o[2] is { Length: > 0 }).GroupBy(o => o[2]!))
        {
            var at = group.Key.LastIndexOf('@');
            var definer = (User: group.Key[..at], Host: group.Key[(at + 1)..]);
            var what = string.Join(", ", group.Select(o => $"{o[0]} {pair.Name}.{o[1]}"));
            if (definer.User == pair.ServiceUser)
            {
                map._rewrites[definer] = owner;
                findings.Add(new Finding(Severity.Info, $"definer {group.Key} ({what}) becomes '{owner.ServiceUser}'@'{owner.TargetUserHost}' on {pair.Target.Name}"));
            }
            else if (await SqlReader.ScalarAsync(target, "SELECT COUNT(*) FROM mysql.global_priv WHERE User = @p0 AND Host = @p1", cancellationToken, definer.User, definer.Host) != "0")
                findings.Add(new Finding(Severity.Warning, $"definer {group.Key} ({what}) exists on {pair.Target.Name} and is kept: these objects are not owned by {pair.ServiceUser}."));
            else if (toServiceUser)
            {
                map._rewrites[definer] = owner;
                findings.Add(new Finding(Severity.Warning, $"definer {group.Key} ({what}) does not exist on {pair.Target.Name}: rewritten to '{owner.ServiceUser}'@'{owner.TargetUserHost}' (--definers-to-service-user)."));
            }
            else
                findings.Add(new Finding(Severity.Error, $"definer {group.Key} of {what} does not exist on {pair.Target.Name}: the objects would fail with error 1449 after the move. " +
                    $"Run with --definers-to-service-user to make {pair.ServiceUser} their definer, or create that account on {pair.Target.Name} first."));
        }
        return map;
    }

    /// <summary>Rewrites the DEFINER clauses of one dump line (data lines are never passed here).</summary>
    public string Rewrite(string line) => !line.Contains("DEFINER=", StringComparison.Ordinal) ? line : DefinerClause().Replace(line, m =>
    {
        var from = (m.Groups[1].Value.Replace("``", "`", StringComparison.Ordinal), m.Groups[2].Value.Replace("``", "`", StringComparison.Ordinal));
        return _rewrites.TryGetValue(from, out var to)
            ? $"DEFINER=`{to.Item1.Replace("`", "``", StringComparison.Ordinal)}`@`{to.Item2.Replace("`", "``", StringComparison.Ordinal)}`"
            : m.Value;
    });
}
