using System.Text;
using System.Text.RegularExpressions;

namespace Rollout.SmokeRunner.Engines.MariaDb;

/// <summary>A privilege row as information_schema shows it: on a schema pattern, or global (Schema null).</summary>
public sealed record HeldPrivilege(string User, string Host, string? Schema, string Privilege, bool Grantable);

/// <summary>
/// Judges a service user's privileges against the plan's list (rollout.yaml grants.mariadb):
/// global USAGE only, privileges on its own database only, never GRANT OPTION, and for users Rollout
/// manages exactly the plan's list (an existing server's users may hold a subset).
/// </summary>
public static partial class MariaDbPrivileges
{
    [GeneratedRegex(@"^'(?<user>(?:[^']|'')*)'@'(?<host>(?:[^']|'')*)'$")]
    private static partial Regex GranteePattern();

    /// <summary>Splits information_schema's GRANTEE ('user'@'host'); null when it has another shape.</summary>
    public static (string User, string Host)? ParseGrantee(string grantee) =>
        GranteePattern().Match(grantee) is { Success: true } m
            ? (m.Groups["user"].Value.Replace("''", "'", StringComparison.Ordinal), m.Groups["host"].Value.Replace("''", "'", StringComparison.Ordinal))
            : null;

    /// <summary>
    /// The database a schema-level grant pattern names, or null when the pattern has an unescaped
    /// wildcard (<c>_</c> or <c>%</c>) and so matches other databases too.
    /// </summary>
    public static string? LiteralDatabase(string pattern)
    {
        var literal = new StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length) { literal.Append(pattern[++i]); continue; }
            if (c is '_' or '%') return null;
            literal.Append(c);
        }
        return literal.ToString();
    }

    /// <summary>The problems with one user's privileges, each naming the privilege and where it is held; empty when sound.</summary>
    public static IReadOnlyList<string> Problems(string user, string ownDatabase, IReadOnlyCollection<HeldPrivilege> held, IReadOnlyCollection<string> plan, bool exact)
    {
        var problems = new List<string>();
        foreach (var global in held.Where(p => p.Schema is null && p.Privilege != "USAGE"))
            problems.Add($"{user}@{global.Host} holds global {global.Privilege}");
        foreach (var grantable in held.Where(p => p.Grantable))
            problems.Add($"{user}@{grantable.Host} holds {grantable.Privilege} WITH GRANT OPTION on {grantable.Schema ?? "*.*"}");

        var onSchemas = held.Where(p => p.Schema is not null).ToList();
        foreach (var pattern in onSchemas.Select(p => p.Schema!).Distinct())
        {
            var literal = LiteralDatabase(pattern);
            if (literal is null)
                problems.Add($"{user} holds privileges on the wildcard pattern `{pattern}` (matches other databases; escape _ and %)");
            else if (literal != ownDatabase)
                problems.Add($"{user} holds privileges on {literal}, not its own database {ownDatabase}");
        }

        var onOwn = onSchemas.Where(p => LiteralDatabase(p.Schema!) == ownDatabase).Select(p => p.Privilege).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var planned = plan.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var extra = onOwn.Except(planned, StringComparer.OrdinalIgnoreCase).Order().ToList();
        if (extra.Count > 0)
            problems.Add($"{user} holds {string.Join(", ", extra)} on {ownDatabase} beyond the plan");
        var missing = planned.Except(onOwn, StringComparer.OrdinalIgnoreCase).Order().ToList();
        if (exact && missing.Count > 0)
            problems.Add($"{user} lacks {string.Join(", ", missing)} on {ownDatabase} (the plan grants them)");
        return problems;
    }
}
