using Rollout.Topology.Binding;

namespace Rollout.Provisioner.Planning;

/// <summary>A read-only check of an existing server (Plesk): a service user's login, never a write.</summary>
public sealed record ExistingServerCheck(string Server, string Database, string User, bool Succeeded, string Detail);

/// <summary>The ordered changes for one server.</summary>
public sealed record ServerPlan(DesiredServer Desired, IReadOnlyList<PlannedChange> Changes, int CatalogQueries)
{
    public ServerEndpoint Endpoint => Desired.Endpoint;

    public IEnumerable<PlannedChange> Executable => Changes.Where(c => c.IsExecutable);

    /// <summary>What the plan leaves out on this server and why (an operational account whose password is not set).</summary>
    public IReadOnlyList<string> Notes =>
        Desired.OperationalAccounts.Where(a => !a.IsPlanned).Select(a => a.NotPlannedNote(Endpoint.Name)).ToList();
}

/// <summary>The whole plan of an environment: one ordered list per managed server, plus existing-server checks.</summary>
public sealed record ProvisioningPlan(string Environment, bool Prune, IReadOnlyList<ServerPlan> Servers, IReadOnlyList<ExistingServerCheck> ExistingChecks)
{
    public IEnumerable<PlannedChange> Changes => Servers.SelectMany(s => s.Changes);

    public int Count(ChangeKind kind) => Changes.Count(c => c.Kind == kind);

    /// <summary>True when apply would execute something or a drift needs a manual fix (exit code 2).</summary>
    public bool HasPendingChanges => Changes.Any(c => c.IsExecutable || c.ManualFix is not null);
}
