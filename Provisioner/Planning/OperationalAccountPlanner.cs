using Rollout.Provisioner.Engines;

namespace Rollout.Provisioner.Planning;

/// <summary>
/// Diffs the operational accounts of one server (<see cref="DesiredServer.OperationalAccounts"/>) against the server:
/// the account (TLS, password, connection limit), then its server-wide grants, then its grants on each of its databases
/// (and the server's own ones its role reaches, <see cref="OperationalAccess.ServerDatabases"/>). Privileges
/// beyond <see cref="OperationalAccess"/> and copies of the account on another host are extras (removed with --prune);
/// the account itself is never removed. Planned after the databases: PostgreSQL grants CONNECT on existing ones only.
/// </summary>
public sealed class OperationalAccountPlanner(IDatabaseEngine engine, DesiredServer desired, ServerState state)
{
    /// <summary>Changes in plan order, and extras (revoked only with --prune) as (subject, reason, statements, kind).</summary>
    public (IReadOnlyList<PlannedChange> Changes, IReadOnlyList<(ObjectKind Kind, string Subject, string Reason, IReadOnlyList<SqlStatement> Statements)> Extras) Plan()
    {
        var changes = new List<PlannedChange>();
        var extras = new List<(ObjectKind, string, string, IReadOnlyList<SqlStatement>)>();
        foreach (var account in desired.OperationalAccounts.Where(a => a.IsPlanned))
            PlanAccount(account, engine.AccessFor(account.Role), changes, extras);
        return (changes, extras);
    }

    private void PlanAccount(OperationalAccount wanted, OperationalAccess access, List<PlannedChange> changes,
        List<(ObjectKind, string, string, IReadOnlyList<SqlStatement>)> extras)
    {
        var subject = wanted.Account.ToString();
        var actual = state.Accounts.FirstOrDefault(a => a.Account == wanted.Account);
        // Its databases exist, so it was applied before: a missing account or grant is drift (its tool fails), not a first setup.
        var provisioned = wanted.Databases.Any(state.Databases.ContainsKey);
        if (actual is null)
        {
            changes.Add(Change(ChangeKind.Add, ObjectKind.User, subject, $"{wanted.Description} does not exist (password from {wanted.PasswordSecretName})",
                [.. engine.CreateUser(wanted.Account, wanted.Password!, state), .. access.ConnectionLimit is { } limit ? engine.LimitConnections(wanted.Account, limit) : []],
                provisioned));
        }
        else
        {
            if (engine.EnforcesTlsPerAccount && !actual.RequiresTls)
                changes.Add(Change(ChangeKind.Change, ObjectKind.User, subject, $"{wanted.Description} accepts logins without TLS (REQUIRE SSL missing)", engine.RequireTls(wanted.Account), true));
            var differs = actual.Credential is not null ? !engine.CredentialMatches(actual.Credential, wanted.Password!) : wanted.PasswordIsNew;
            if (differs)
                changes.Add(Change(ChangeKind.Change, ObjectKind.User, subject, wanted.PasswordIsNew
                    ? $"no password stored under {wanted.PasswordSecretName}: a new one is generated and set"
                    : $"password of the {wanted.Description} differs from secret {wanted.PasswordSecretName}", engine.SetPassword(wanted.Account, wanted.Password!), true));
            if (access.ConnectionLimit is { } limit && actual.ConnectionLimit != limit)
                changes.Add(Change(ChangeKind.Change, ObjectKind.User, subject,
                    $"{wanted.Description} may hold {actual.ConnectionLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited"} sessions, its role wants at most {limit}",
                    engine.LimitConnections(wanted.Account, limit), true));
            var surplusGlobal = actual.GlobalPrivileges.Except(access.Global).Order().ToList();
            if (surplusGlobal.Count > 0)
                extras.Add((ObjectKind.User, subject, $"{wanted.Description} has server-wide privileges {string.Join(", ", surplusGlobal)} beyond what it needs", engine.RevokeGlobal(wanted.Account, surplusGlobal)));
        }

        var haveGlobal = actual?.GlobalPrivileges ?? new HashSet<string>();
        var haveOnServer = actual?.OnServer ?? new HashSet<string>();
        var missingGlobal = access.Global.Where(p => !haveGlobal.Contains(p)).Order().ToList();
        var missingOnServer = access.OnServer.Where(g => !haveOnServer.Contains(g)).Order().ToList();
        if (missingGlobal.Count + missingOnServer.Count > 0)
            changes.Add(Change(ChangeKind.Add, ObjectKind.Grant, $"{subject} on the server", $"{wanted.Description} misses {string.Join(", ", missingGlobal.Concat(missingOnServer))}",
                [.. missingGlobal.Count > 0 ? engine.GrantGlobal(wanted.Account, missingGlobal) : [], .. missingOnServer.Count > 0 ? engine.GrantOnServer(wanted.Account, missingOnServer) : []],
                actual is not null));
        var surplusOnServer = haveOnServer.Except(access.OnServer).Order().ToList();
        if (surplusOnServer.Count > 0)
            extras.Add((ObjectKind.Grant, $"{subject} on the server", $"{wanted.Description} has {string.Join(", ", surplusOnServer)} beyond what it needs", engine.RevokeOnServer(wanted.Account, surplusOnServer)));

        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var database in wanted.Databases.Concat(access.ServerDatabases))
        {
            var scope = engine.GrantScope(database);
            scopes.Add(scope);
            var have = state.Grants.Where(g => g.Grantee == wanted.Account && g.Scope == scope).Select(g => g.Privilege).ToHashSet();
            var missing = access.PerDatabase.Where(p => !have.Contains(p)).ToList();
            if (missing.Count > 0)
                changes.Add(Change(ChangeKind.Add, ObjectKind.Grant, $"{subject} on {database}", $"{wanted.Description} misses {string.Join(", ", missing)}",
                    engine.Grant(wanted.Account, database, scope, missing, state),
                    state.Databases.ContainsKey(database) || (access.ServerDatabases.Contains(database) && actual is not null)));
            var surplus = have.Except(access.PerDatabase).Order().ToList();
            if (surplus.Count > 0)
                extras.Add((ObjectKind.Grant, $"{subject} on {database}", $"{wanted.Description} has {string.Join(", ", surplus)} beyond what it needs",
                    engine.Revoke(wanted.Account, database, scope, surplus)));
        }

        // Its grants anywhere else (another database, a wildcard pattern, a copy of the account on another host).
        foreach (var group in state.Grants
                     .Where(g => g.Grantee.Name == wanted.Account.Name && !(g.Grantee == wanted.Account && scopes.Contains(g.Scope)) && !engine.SharedDatabases.Contains(g.Database))
                     .GroupBy(g => (g.Grantee, g.Scope)))
        {
            var privileges = group.Select(g => g.Privilege).Distinct().Order().ToList();
            var statements = engine.Revoke(group.Key.Grantee, group.First().Database, group.Key.Scope, privileges);
            if (statements.Count > 0)
                extras.Add((ObjectKind.Grant, $"{group.Key.Grantee} on {group.Key.Scope}", $"{string.Join(", ", privileges)}: the {wanted.Role.ToString().ToLowerInvariant()} account is granted on its databases only", statements));
        }
        foreach (var other in state.Accounts.Where(a => a.Account.Name == wanted.Account.Name && a.Account != wanted.Account))
            extras.Add((ObjectKind.User, other.Account.ToString(), $"the estate has {wanted.Description} only (host is not the app server)", engine.DropAccount(other.Account)));
    }

    private PlannedChange Change(ChangeKind kind, ObjectKind kind2, string subject, string reason, IReadOnlyList<SqlStatement> statements, bool drift) =>
        new(desired.Endpoint.Name, kind, kind2, subject, reason, statements, drift);
}
