namespace Rollout.Topology.Model;

/// <summary>The validated estate of rollout.yaml: the one model every project consumes.</summary>
public sealed record Estate(
    string SourcePath,
    string Project,
    IReadOnlyList<ServerSpec> Servers,
    IReadOnlyList<DatabaseSpec> Databases,
    GrantPolicy Grants,
    TlsPolicy Tls,
    FirewallPolicy Firewall,
    BackupPolicy Backup,
    IReadOnlyList<AlertRule> Alerts,
    SmokePolicy Smoke,
    IReadOnlyList<EnvironmentSpec> Environments)
{
    /// <summary>monitoring: of rollout.yaml (optional; the account defaults to rollout_monitor).</summary>
    public MonitoringPolicy Monitoring { get; init; } = MonitoringPolicy.Default;

    public ServerSpec Server(string name) =>
        Servers.FirstOrDefault(s => s.Name == name)
        ?? throw new KeyNotFoundException($"Server '{name}' is not defined in {SourcePath} (servers: {string.Join(", ", Servers.Select(s => s.Name))}).");

    public DatabaseSpec Database(string name) =>
        Databases.FirstOrDefault(d => d.Name == name)
        ?? throw new KeyNotFoundException($"Database '{name}' is not defined in {SourcePath}.");

    public EnvironmentSpec Environment(string name) =>
        Environments.FirstOrDefault(e => e.Name == name)
        ?? throw new KeyNotFoundException($"Environment '{name}' is not defined in {SourcePath} (environments: {string.Join(", ", Environments.Select(e => e.Name))}).");

    public IEnumerable<DatabaseSpec> DatabasesOn(string serverName) => Databases.Where(d => d.ServerName == serverName);

    /// <summary>The databases an environment has: every non-optional one plus the optional ones it enables.</summary>
    public IReadOnlyList<DatabaseSpec> EnabledDatabases(EnvironmentSpec environment) =>
        Databases.Where(d => !d.Optional || environment.OptionalDatabases.Contains(d.Name)).ToList();

    /// <summary>The servers an environment runs: optional servers (Redis) only where enabled.</summary>
    public IReadOnlyList<ServerSpec> EnabledServers(EnvironmentSpec environment) =>
        Servers.Where(s => !s.Optional || (s.Engine == Engine.Redis && environment.Redis)).ToList();
}
