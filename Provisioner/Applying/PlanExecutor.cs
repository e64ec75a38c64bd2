using Rollout.Provisioner.Engines;
using Rollout.Provisioner.Passwords;
using Rollout.Provisioner.Planning;

namespace Rollout.Provisioner.Applying;

/// <summary>One executed statement, reported as it completes.</summary>
public sealed record ExecutedStatement(string Server, PlannedChange Change, SqlStatement Statement);

/// <summary>
/// Executes a plan: servers in parallel, each server's statements in plan order on one session.
/// New passwords are stored before the statements that set them run, so a crash in between
/// leaves a password the next run can use; a re-run re-plans from the catalogs and converges.
/// </summary>
public sealed class PlanExecutor(ServicePasswords passwords)
{
    public async Task<int> ExecuteAsync(ProvisioningPlan plan, Func<ExecutedStatement, Task> executed, CancellationToken cancellationToken)
    {
        foreach (var server in plan.Servers) ExistingServerGuard.RefuseWrites(server.Endpoint);
        await StoreNewPasswordsAsync(plan, cancellationToken);

        var counts = await Task.WhenAll(plan.Servers.Select(async server =>
        {
            var work = server.Executable.SelectMany(c => c.Statements.Select(s => (Change: c, Statement: s))).ToList();
            if (work.Count == 0) return 0;
            var engine = EngineCatalog.For(server.Endpoint.Engine);
            var index = 0;
            await engine.ExecuteAsync(server.Endpoint, work.Select(w => w.Statement).ToList(), async statement =>
            {
                await executed(new ExecutedStatement(server.Endpoint.Name, work[index].Change, statement));
                index++;
            }, cancellationToken);
            return work.Count;
        }));
        return counts.Sum();
    }

    private async Task StoreNewPasswordsAsync(ProvisioningPlan plan, CancellationToken cancellationToken)
    {
        var newPasswords = new Dictionary<string, Rollout.Topology.Model.Secret>(StringComparer.Ordinal);
        foreach (var server in plan.Servers)
        {
            var accountsWithUserChanges = server.Executable.Where(c => c.Object == ObjectKind.User).Select(c => c.Subject).ToHashSet();
            foreach (var user in server.Desired.Users.Where(u => u.PasswordIsNew && accountsWithUserChanges.Contains(u.Account.ToString())))
                newPasswords[user.PasswordSecretName] = user.Password;
            foreach (var account in server.Desired.OperationalAccounts.Where(a => a.PasswordIsNew && accountsWithUserChanges.Contains(a.Account.ToString())))
                newPasswords[account.PasswordSecretName] = account.Password!;
        }
        await passwords.SaveManyAsync(newPasswords, cancellationToken);
    }
}
