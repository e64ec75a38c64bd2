using Rollout.Provisioner.Applying;
using Rollout.Provisioner.Engines;
using Rollout.Provisioner.Passwords;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Planning;

/// <summary>
/// Plans a bound environment: the desired state of each managed server from the estate, each
/// server's actual state read in parallel, a preflight, then the diff. Existing servers (Plesk) are
/// only checked by logging in as their service users. Any error stops the whole plan, so an apply
/// changes nothing anywhere when one server is unreachable or misconfigured.
/// </summary>
public sealed class EnvironmentPlanner(EnvironmentBinding binding, ServicePasswords passwords)
{
    public async Task<ProvisioningPlan> PlanAsync(bool prune, CancellationToken cancellationToken)
    {
        ExistingServerGuard.Check(binding);
        var desired = await DesiredServersAsync(cancellationToken);
        var checks = ExistingServerChecks.RunAsync(binding, passwords, cancellationToken);

        var results = await Task.WhenAll(desired.Select(async server =>
        {
            try
            {
                var engine = Engines.EngineCatalog.For(server.Endpoint.Engine);
                var state = await engine.ReadStateAsync(server, cancellationToken);
                var problems = await engine.PreflightAsync(server, state, cancellationToken);
                if (problems.Count > 0) return (Plan: (ServerPlan?)null, Errors: problems);
                var changes = new ServerPlanner(engine, server, state, prune).Plan();
                return (Plan: new ServerPlan(server, changes, state.CatalogQueries), Errors: (IReadOnlyList<string>)[]);
            }
            catch (ProvisioningException e)
            {
                return (Plan: null, Errors: (IReadOnlyList<string>)[e.Message]);
            }
        }));

        var errors = results.SelectMany(r => r.Errors).ToList();
        if (errors.Count > 0)
            throw new ProvisioningException(
                $"Nothing was changed: {errors.Count} problem{(errors.Count == 1 ? "" : "s")} found before applying:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", errors));
        return new ProvisioningPlan(binding.Name, prune, results.Select(r => r.Plan!).ToList(), await checks);
    }

    private async Task<IReadOnlyList<DesiredServer>> DesiredServersAsync(CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        var servers = new List<DesiredServer>();
        var managed = binding.Servers.Values.Where(e => e.Server.IsDatabaseServer && !e.Server.Existing).ToList();
        // One read of the secret source for the whole plan (a file store parses the file per call).
        var operational = managed.ToDictionary(e => e.Name, e => DesiredOperationalAccounts.Declared(binding, e));
        var stored = await passwords.GetManyAsync(
            [.. managed.SelectMany(e => binding.DatabasesOn(e.Name)).Select(d => d.PasswordSecretName), .. operational.Values.SelectMany(a => a).Select(a => a.PasswordSecretName)],
            cancellationToken);
        foreach (var endpoint in managed)
        {
            var databases = binding.DatabasesOn(endpoint.Name).ToList();
            var engine = Engines.EngineCatalog.For(endpoint.Engine);
            var users = new List<DesiredUser>();
            foreach (var database in databases)
            {
                var password = stored.GetValueOrDefault(database.PasswordSecretName);
                var isNew = password is null;
                if (password is null)
                {
                    if (!passwords.CanGenerate)
                    {
                        missing.Add($"{database.PasswordSecretName} (password of {database.User} on {endpoint.Name})");
                        continue;
                    }
                    password = GeneratedPassword.New();
                }
                users.Add(new DesiredUser(engine.AccountFor(database, binding.AppServerIp.ToString()), database, password, isNew));
            }
            servers.Add(new DesiredServer(endpoint, databases, users, binding.Estate.Grants)
            {
                Declared = binding.Estate.DatabasesOn(endpoint.Name).ToList(),
                OperationalAccounts = operational[endpoint.Name].Select(a => OperationalAccount(a, engine, stored)).ToList(),
            });
        }
        // Missing variables are an environment that cannot be bound, like a missing MYSQL_HOST: invalid input (exit code 3).
        if (missing.Count > 0)
            throw new BindingException(binding.Name,
            [
                .. missing.Select(m => $"service password {m} is missing from {passwords.Description}"),
                $"Nothing was changed. Set them (in CI: the GitHub environment secrets of '{binding.Name}'); generate one with `openssl rand -base64 32`.",
            ]);
        return servers;
    }

    /// <summary>
    /// An operational account with its stored password, a new one where the local store can keep it, or none: a remote
    /// environment without it plans everything else and says so (operational accounts are not a precondition of provisioning).
    /// </summary>
    private OperationalAccount OperationalAccount(DeclaredOperationalAccount declared, Engines.IDatabaseEngine engine, IReadOnlyDictionary<string, Topology.Model.Secret> stored)
    {
        var password = stored.GetValueOrDefault(declared.PasswordSecretName);
        var isNew = password is null && passwords.CanGenerate;
        if (isNew) password = GeneratedPassword.New();
        return new OperationalAccount(declared.Role, engine.OperationalAccountFor(declared.Name, binding.AppServerIp.ToString()), declared.Databases,
            declared.PasswordSecretName, password, isNew);
    }
}
