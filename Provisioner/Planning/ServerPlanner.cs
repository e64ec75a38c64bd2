using Rollout.Provisioner.Engines;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Planning;

/// <summary>
/// Diffs what the estate wants on one server against what the server has, in engine-neutral terms
/// (databases, users, grants), and orders the changes: users, databases, settings, grants, PUBLIC
/// revokes, extensions, operational accounts, then extras (executed only with --prune).
/// </summary>
public sealed class ServerPlanner(IDatabaseEngine engine, DesiredServer desired, ServerState state, bool prune)
{
    private string ServerName => desired.Endpoint.Name;

    public IReadOnlyList<PlannedChange> Plan()
    {
        // Within each phase the estate's order; extras after everything the estate wants.
        List<PlannedChange> changes = [.. PlanUsers(), .. PlanDatabases(), .. PlanGrants(), .. PlanSharedDatabases(), .. PlanExtensions(), .. PlanOperationalAccounts()];
        PlanExtraAccounts();
        PlanUndeclared();
        return [.. changes, .. _extras];
    }

    private readonly List<PlannedChange> _extras = [];

    // Indexes over the actual state: looking each object up by a scan made a 1,000-database plan quadratic.
    private readonly Dictionary<Account, ActualAccount> _accounts = state.Accounts.DistinctBy(a => a.Account).ToDictionary(a => a.Account);
    private readonly ILookup<string, ActualGrant> _grantsByDatabase = state.Grants.ToLookup(g => g.Database, StringComparer.Ordinal);

    private IEnumerable<PlannedChange> PlanUsers()
    {
        // SCRAM verifiers cost a PBKDF2 run each (by design): checked on all cores before the ordered walk.
        var passwordMatches = desired.Users.AsParallel()
            .Select(u => (u.Account, Matches: _accounts.TryGetValue(u.Account, out var a) && a.Credential is not null && engine.CredentialMatches(a.Credential, u.Password)))
            .ToDictionary(m => m.Account, m => m.Matches);
        foreach (var user in desired.Users)
        {
            var actual = _accounts.GetValueOrDefault(user.Account);
            if (actual is null)
            {
                yield return Change(ChangeKind.Add, ObjectKind.User, user.Account.ToString(),
                    $"user of {user.Database.Name} does not exist (password from {user.PasswordSecretName})", engine.CreateUser(user.Account, user.Password, state), drift: false);
                continue;
            }
            if (engine.EnforcesTlsPerAccount && !actual.RequiresTls)
                yield return Change(ChangeKind.Change, ObjectKind.User, user.Account.ToString(), "accepts logins without TLS (REQUIRE SSL missing)", engine.RequireTls(user.Account), drift: true);

            var passwordDiffers = actual.Credential is not null ? !passwordMatches[user.Account] : user.PasswordIsNew;
            if (passwordDiffers)
            {
                var reason = user.PasswordIsNew
                    ? $"no password stored under {user.PasswordSecretName}: a new one is generated and set"
                    : $"password differs from secret {user.PasswordSecretName}";
                yield return Change(ChangeKind.Change, ObjectKind.User, user.Account.ToString(), reason, engine.SetPassword(user.Account, user.Password), drift: true);
            }
            if (actual.GlobalPrivileges.Count > 0)
                Extra(ObjectKind.User, user.Account.ToString(),
                    $"has server-wide privileges {string.Join(", ", actual.GlobalPrivileges.Order())} (a service user gets privileges on its own database only)",
                    engine.RevokeGlobal(user.Account, actual.GlobalPrivileges.Order().ToList()));
        }
    }

    private IEnumerable<PlannedChange> PlanDatabases()
    {
        foreach (var database in desired.Databases)
        {
            var owner = desired.UserOf(database).Account;
            if (!state.Databases.TryGetValue(database.Name, out var actual))
            {
                var settings = string.Join(", ", engine.DesiredSettings(database).Select(s => $"{s.Key} {s.Value}"));
                yield return Change(ChangeKind.Add, ObjectKind.Database, database.Name, $"does not exist ({settings})", engine.CreateDatabase(database, owner, state), drift: false);
                continue;
            }
            var differences = engine.DesiredSettings(database)
                .Where(s => !actual.Settings.TryGetValue(s.Key, out var have) || !engine.SettingMatches(s.Key, s.Value, have))
                .Select(s => $"{s.Key} is {actual.Settings.GetValueOrDefault(s.Key, "(unknown)")}, estate wants {s.Value}")
                .ToList();
            if (differences.Count == 0) continue;
            var statements = engine.AlterDatabaseSettings(database, out var manualFix) ?? [];
            yield return Change(ChangeKind.Change, ObjectKind.Database, database.Name, string.Join("; ", differences), statements, drift: true, manualFix);
        }
    }

    private IEnumerable<PlannedChange> PlanGrants()
    {
        var wanted = engine.DesiredPrivileges(desired.Grants);
        var managedDatabases = desired.Databases.Select(d => d.Name).ToHashSet();
        var handled = new HashSet<(Account, string)>();
        foreach (var database in desired.Databases)
        {
            var owner = desired.UserOf(database).Account;
            var scope = engine.GrantScope(database.Name);
            var exists = state.Databases.ContainsKey(database.Name);
            var userExists = _accounts.ContainsKey(owner);
            var grants = exists ? _grantsByDatabase[database.Name].ToList() : engine.GrantsImpliedByCreate(database, owner);
            var have = grants.Where(g => g.Grantee == owner && g.Scope == scope).Select(g => g.Privilege).ToHashSet();
            handled.Add((owner, scope));

            var missing = wanted.Where(p => !have.Contains(p)).ToList();
            if (missing.Count > 0)
                yield return Change(ChangeKind.Add, ObjectKind.Grant, $"{owner} on {database.Name}", $"missing {string.Join(", ", missing)}",
                    engine.Grant(owner, database.Name, scope, missing, state), drift: exists && userExists);

            var surplus = have.Where(p => !wanted.Contains(p)).Order().ToList();
            if (surplus.Count > 0)
                Extra(ObjectKind.Grant, $"{owner} on {database.Name}", $"has {string.Join(", ", surplus)} beyond the estate's privileges",
                    engine.Revoke(owner, database.Name, scope, surplus));

            var publicPrivileges = grants.Where(g => g.Grantee.IsPublic).Select(g => g.Privilege).Distinct().Order().ToList();
            if (publicPrivileges.Count > 0)
            {
                // PUBLIC on a managed database is never wanted: revoked on every apply, not only with --prune.
                handled.Add((Account.Public, grants.First(g => g.Grantee.IsPublic).Scope));
                yield return Change(ChangeKind.Revoke, ObjectKind.Grant, $"{Account.PublicName} on {database.Name}",
                    $"every role may {string.Join(", ", publicPrivileges)}", engine.Revoke(Account.Public, database.Name, grants.First(g => g.Grantee.IsPublic).Scope, publicPrivileges), drift: true);
            }
        }

        // Grants of other accounts on managed databases, and grants of managed users elsewhere.
        foreach (var group in state.Grants
                     .Where(g => !handled.Contains((g.Grantee, g.Scope)) && !g.Grantee.IsPublic && g.Grantee.Name != state.Admin.Name
                                 && !desired.IsOperationalAccount(g.Grantee.Name)
                                 && !engine.SharedDatabases.Contains(g.Database))
                     .GroupBy(g => (g.Grantee, g.Scope)))
        {
            var privileges = group.Select(g => g.Privilege).Distinct().Order().ToList();
            var statements = engine.Revoke(group.Key.Grantee, group.First().Database, group.Key.Scope, privileges);
            if (statements.Count == 0) continue;
            var databases = string.Join(", ", group.Select(g => g.Database).Distinct());
            var where = managedDatabases.Contains(group.First().Database) ? $"on managed database {databases}" : $"on {databases}, outside its own database";
            Extra(ObjectKind.Grant, $"{group.Key.Grantee} on {group.Key.Scope}", $"{string.Join(", ", privileges)} {where} is not in the estate", statements);
        }
    }

    /// <summary>
    /// PUBLIC loses CONNECT and TEMPORARY on the engine's shared databases (postgres, template1), or every
    /// service role could log in there. The admin is granted CONNECT first, so a non-superuser admin keeps
    /// the maintenance database it connects to.
    /// </summary>
    private IEnumerable<PlannedChange> PlanSharedDatabases()
    {
        foreach (var database in engine.SharedDatabases)
        {
            var grants = _grantsByDatabase[database].ToList();
            var publicPrivileges = grants.Where(g => g.Grantee.IsPublic).Select(g => g.Privilege).Distinct().Order().ToList();
            if (publicPrivileges.Count == 0) continue;
            var admin = new Account(state.Admin.Name, null);
            var statements = new List<SqlStatement>();
            if (!state.Admin.IsSuperuser && !grants.Any(g => g.Grantee == admin && g.Privilege == "CONNECT"))
                statements.AddRange(engine.Grant(admin, database, database, ["CONNECT"], state));
            statements.AddRange(engine.Revoke(Account.Public, database, database, publicPrivileges));
            var manualFix = state.Admin.ForeignSharedDatabases?.TryGetValue(database, out var owner) == true
                ? $"admin '{state.Admin.Name}' is neither a superuser nor the owner of {database} (owner '{owner}'), so the server would ignore the REVOKE. " +
                  $"Run as a superuser: {string.Join(" ", statements.Select(s => s.Display + ";"))}"
                : null;
            yield return Change(ChangeKind.Revoke, ObjectKind.Grant, $"{Account.PublicName} on {database}",
                $"every role may {string.Join(", ", publicPrivileges)} on the shared database {database}", statements, drift: true, manualFix);
        }
    }

    private IEnumerable<PlannedChange> PlanExtensions()
    {
        foreach (var database in desired.Databases)
        {
            var exists = state.Databases.TryGetValue(database.Name, out var actual);
            foreach (var extension in database.Extensions)
            {
                if (exists && actual!.Extensions.Contains(extension)) continue;
                yield return Change(ChangeKind.Add, ObjectKind.Extension, $"{extension} in {database.Name}", "not installed",
                    engine.CreateExtension(database.Name, extension, desired.UserOf(database).Account), drift: exists);
            }
        }
    }

    /// <summary>The operational accounts (backup, …) after everything they are granted on exists.</summary>
    private IReadOnlyList<PlannedChange> PlanOperationalAccounts()
    {
        var (changes, extras) = new OperationalAccountPlanner(engine, desired, state).Plan();
        foreach (var (kind, subject, reason, statements) in extras) Extra(kind, subject, reason, statements);
        return changes;
    }

    private void PlanExtraAccounts()
    {
        var managedNames = desired.Users.ToDictionary(u => u.Account.Name, u => u.Account);
        foreach (var actual in state.Accounts)
        {
            if (!managedNames.TryGetValue(actual.Account.Name, out var wantedAccount) || wantedAccount == actual.Account) continue;
            var why = actual.Account.Host == "%" ? "host '%' accepts logins from anywhere" : "host is not the app server";
            Extra(ObjectKind.User, actual.Account.ToString(), $"{why}; the estate has {wantedAccount} only", engine.DropAccount(actual.Account));
        }
    }

    /// <summary>
    /// What rollout.yaml declares nowhere on this server: grants, then databases, then accounts, so that with --prune a
    /// role's grants are revoked and the PostgreSQL databases it may own are gone before the role is dropped.
    /// </summary>
    private void PlanUndeclared()
    {
        var undeclared = state.Undeclared;
        foreach (var group in undeclared.Grants.GroupBy(g => (g.Grantee, g.Scope)))
        {
            var privileges = group.Select(g => g.Privilege).Distinct().Order().ToList();
            var statements = engine.Revoke(group.Key.Grantee, group.First().Database, group.Key.Scope, privileges);
            if (statements.Count == 0) continue;
            Extra(ObjectKind.Grant, $"{group.Key.Grantee} on {group.Key.Scope}", $"{string.Join(", ", privileges)} on {group.First().Database}: not declared in rollout.yaml", statements);
        }
        foreach (var database in undeclared.Databases)
            Extra(ObjectKind.Database, database, "not declared in rollout.yaml: DROP DATABASE deletes all its data", engine.DropDatabase(database));
        foreach (var account in undeclared.Accounts)
            Extra(ObjectKind.User, account.ToString(), "not declared in rollout.yaml (no database of the estate has this user)", engine.DropAccount(account));
    }

    private void Extra(ObjectKind kind, string subject, string reason, IReadOnlyList<SqlStatement> statements) => _extras.Add(
        Change(prune ? ChangeKind.Revoke : ChangeKind.Unmanaged, kind, subject, prune ? reason : reason + " (removed with --prune)", statements, drift: true));

    private PlannedChange Change(ChangeKind kind, ObjectKind kind2, string subject, string reason, IReadOnlyList<SqlStatement> statements, bool drift, string? manualFix = null) =>
        new(ServerName, kind, kind2, subject, reason, statements, drift, manualFix);
}
