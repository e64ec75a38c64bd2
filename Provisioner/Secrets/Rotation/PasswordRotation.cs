using Rollout.ServiceDefaults.Passwords;
using Rollout.ServiceDefaults.Redaction;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Secrets.Rotation;

/// <summary>The named steps of a rotation, in order; a test hook can stop the process right after one.</summary>
public enum RotationStep { PendingStored, ServerChanged, Verified, Promoted, Done }

/// <summary>
/// Rotates one service user's password so that no password is ever lost:
/// 1. a new password is kept as PENDING in the rotation journal (0600, state directory) before anything else;
/// 2. the server gets it (skipped when the pending one already logs in: a re-run after a stop);
/// 3. a TLS login with the new password must work and one with the old must be denied;
/// 4. the new password is promoted to every configured store, then the journal entry is removed.
/// A stop at any point leaves the journal holding the only password the server may have; re-running resumes.
/// MariaDB has no dual passwords: step 2 is a hard cut-over, clients holding the old one fail until they reload.
/// </summary>
public sealed class PasswordRotation(
    EnvironmentBinding binding,
    DatabaseSpec database,
    ISecretSource currentPasswords,
    LocalSecretStore journal,
    IReadOnlyList<ISecretTarget> stores,
    IServerPasswords server,
    TextWriter log,
    Action<RotationStep> afterStep)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var name = database.PasswordSecretName;
        var endpoint = binding.EndpointOf(database);
        var current = await currentPasswords.GetAsync(name, cancellationToken);
        var pending = await journal.GetAsync(name, cancellationToken);
        if (current is not null) SecretRedactor.Shared.Register(current);

        if (pending is null)
        {
            if (current is null)
                throw new RotationException($"No current password of {database.User} ({name}) in {currentPasswords.Description}: " +
                    "rotation needs it to prove the old password stops working. Nothing was changed.");
            pending = GeneratedPassword.New();
            SecretRedactor.Shared.Register(pending);
            await journal.SetAsync(name, pending, cancellationToken);
            await log.WriteLineAsync($"[1/4] new password for {database.User} stored as pending in {journal.Path}");
        }
        else
        {
            SecretRedactor.Shared.Register(pending);
            await log.WriteLineAsync($"[1/4] resuming an unfinished rotation of {database.User}: pending password found in {journal.Path}");
        }
        afterStep(RotationStep.PendingStored);

        await StopsAt("changing the password on the server", async () =>
        {
            if (await server.TryLoginAsync(endpoint, database, pending, cancellationToken) == LoginResult.Succeeded)
            {
                await log.WriteLineAsync($"[2/4] {endpoint} already accepts the pending password (changed by an earlier run)");
                return;
            }
            if (current is null || await server.TryLoginAsync(endpoint, database, current, cancellationToken) != LoginResult.Succeeded)
                throw new RotationException($"Neither the current ({currentPasswords.Description}) nor the pending password of {database.User} logs in to {endpoint}. " +
                    $"The pending password is kept in {journal.Path} under {name}; check the user on the server.");
            var changed = await server.SetPasswordAsync(endpoint, database, pending, cancellationToken);
            await log.WriteLineAsync($"[2/4] password changed on the server: {changed}");
        });
        afterStep(RotationStep.ServerChanged);

        await StopsAt("verifying the new password", async () =>
        {
            if (await server.TryLoginAsync(endpoint, database, pending, cancellationToken) != LoginResult.Succeeded)
                throw new RotationException($"{database.User} cannot log in to {endpoint} with the new password.");
            if (current is not null && !current.Equals(pending) &&
                await server.TryLoginAsync(endpoint, database, current, cancellationToken) != LoginResult.Denied)
                throw new RotationException($"{endpoint} still accepts the old password of {database.User}.");
            await log.WriteLineAsync($"[3/4] verified: TLS login with the new password works, the old one is denied");
        });
        afterStep(RotationStep.Verified);

        foreach (var store in stores)
        {
            await StopsAt($"promoting the new password to {store.Description}", async () =>
            {
                var plan = await store.WriteAsync([new NamedSecret(name, pending)], cancellationToken);
                await log.WriteLineAsync($"[4/4] {name} {(plan.All(p => p.Change == SecretChange.Unchanged) ? "already current" : "promoted")} in {store.Description}");
            });
        }
        afterStep(RotationStep.Promoted);

        await journal.RemoveAsync(name, cancellationToken);
        await log.WriteLineAsync($"Rotation of {database.User} complete; pending entry removed.");
        afterStep(RotationStep.Done);
    }

    private async Task StopsAt(string step, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new RotationException(
                $"Rotation of {database.User} stopped while {step}: {e.Message}{Environment.NewLine}" +
                $"  The new password is safe as pending in {journal.Path} ({database.PasswordSecretName}); " +
                "re-run the same `rotate` command to finish.", e);
        }
    }
}
