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
    /// <summary>
    /// Every database rollout.yaml puts on this server, also optional ones this environment does not enable:
    /// those are not managed here, but they are declared, so they are never reported or dropped as undeclared.
    /// </summary>
    public IReadOnlyList<DatabaseSpec> Declared { get; init; } = Databases;

    public IReadOnlySet<string> DeclaredDatabaseNames => Declared.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The service users of <see cref="Declared"/> and the operational accounts: the accounts rollout.yaml declares here.</summary>
    public IReadOnlySet<string> DeclaredUserNames =>
        Declared.Select(d => d.User).Concat(OperationalAccounts.Select(a => a.Account.Name)).ToHashSet(StringComparer.Ordinal);

    private Dictionary<string, DesiredUser>? _userByDatabase;

    /// <summary>The operational accounts on this server (the backup dump account, the monitoring account), planned beside the service users.</summary>
    public IReadOnlyList<OperationalAccount> OperationalAccounts { get; init; } = [];

    /// <summary>Whether an account name is one of <see cref="OperationalAccounts"/>: its grants are planned by its own rules.</summary>
    public bool IsOperationalAccount(string name) => OperationalAccounts.Any(a => a.Account.Name == name);

    /// <summary>The names of the accounts whose state the catalog readers must read: the service users and the operational accounts.</summary>
    public IReadOnlySet<string> ManagedAccountNames =>
        Users.Select(u => u.Account.Name).Concat(OperationalAccounts.Select(a => a.Account.Name)).ToHashSet(StringComparer.Ordinal);

    public DesiredUser UserOf(DatabaseSpec database) =>
        (_userByDatabase ??= Users.ToDictionary(u => u.Database.Name, StringComparer.Ordinal))[database.Name];
}
