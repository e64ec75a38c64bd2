namespace Rollout.Topology.Model;

public enum EnvironmentKind { Local, Remote }

/// <summary>
/// How one environment reaches the estate. Remote environments hold <see cref="Setting"/>s that
/// name environment variables (the plan's MYSQL_HOST, PG_PORT, …); local ones hold literals and
/// are bound to the running AppHost instead.
/// </summary>
public sealed record EnvironmentSpec(
    string Name,
    EnvironmentKind Kind,
    Setting AppServerIp,
    IReadOnlyList<Setting> AdminIps,
    IReadOnlyList<string> OptionalDatabases,
    bool Redis,
    GithubEnvironmentSpec? Github,
    IReadOnlyDictionary<string, ServerEndpointSpec> Servers,
    DeploySpec? Deploy);

public sealed record ServerEndpointSpec(Setting Host, Setting Port, Setting? AdminUser, Setting? AdminPassword, Setting? CaFile);

public sealed record GithubEnvironmentSpec(string Environment, IReadOnlyList<string> RequiredReviewers);

public sealed record DeploySpec(Setting SshHost, Setting SshPort, Setting SshUser, Setting SshTargetDir);
