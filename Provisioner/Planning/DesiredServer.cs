using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Planning;

/// <summary>A managed service user and the password it must have.</summary>
public sealed record DesiredUser(Account Account, DatabaseSpec Database, Secret Password, bool PasswordIsNew)
{
    public string PasswordSecretName => Database.PasswordSecretName;
}

/// <summary>What the estate wants on one (non-existing) server of a bound environment.</summary>
public sealed record DesiredServer(ServerEndpoint Endpoint, IReadOnlyList<DatabaseSpec> Databases, IReadOnlyList<DesiredUser> Users, GrantPolicy Grants)
{
    private Dictionary<string, DesiredUser>? _userByDatabase;

    /// <summary>The backup system's read-only dump account (backup.account): its grants are not the planner's to revoke.</summary>
    public string? BackupAccount { get; init; }

    public DesiredUser UserOf(DatabaseSpec database) =>
        (_userByDatabase ??= Users.ToDictionary(u => u.Database.Name, StringComparer.Ordinal))[database.Name];
}
