using Rollout.Topology.Model;

namespace Rollout.Topology.Secrets;

/// <summary>Where the value of a catalogue entry comes from.</summary>
public enum SecretOriginKind
{
    /// <summary>A setting of rollout.yaml (<c>${SSH_HOST:-…}</c>, a server's host/port).</summary>
    Setting,

    /// <summary>A literal of the estate itself, e.g. a database's service-user name.</summary>
    EstateLiteral,

    /// <summary>A service-user password: the secret store of the environment (local store or environment variable).</summary>
    ServicePassword,

    /// <summary>The deploy key: a file named by <see cref="SecretCatalogue.SshPrivateKeyFileVariable"/> or the variable itself.</summary>
    PrivateKey,

    /// <summary>
    /// A credential of an operational tool (the backup dump and monitoring accounts' passwords per server, the restic repository keys):
    /// the environment's secret store, like service passwords; generated locally by the tool that first needs it.
    /// </summary>
    OperationalCredential,
}

/// <summary>
/// One secret of an environment: its exact name as the plan writes it (MO_CRM_DB_PASS, PG_HOST, …)
/// and where its value comes from. Holds no value.
/// </summary>
public sealed record SecretEntry(
    string Name,
    SecretOriginKind Origin,
    string OriginPath,
    Setting? Setting = null,
    string? Literal = null,
    DatabaseSpec? Database = null,
    ServerSpec? Server = null,
    string? Purpose = null)
{
    /// <summary>True for values that must never be shown (passwords, keys); host names and ports are still kept out of output.</summary>
    public bool IsCredential => Origin is SecretOriginKind.ServicePassword or SecretOriginKind.PrivateKey or SecretOriginKind.OperationalCredential;
}

/// <summary>
/// The secrets of one environment, derived from the estate (phase 4 of the plan): deploy settings,
/// the hosts and ports of the servers Rollout provisions, and a user/password pair per enabled database;
/// then the backup system's (<see cref="BackupSecrets"/>: dump account passwords, repository keys and locations), then the
/// monitoring account's password per managed server (<see cref="MonitoringSecrets"/>).
/// There is no second list: adding a database to rollout.yaml adds its two secrets here.
/// </summary>
public sealed record SecretCatalogue(EnvironmentSpec Environment, IReadOnlyList<SecretEntry> Entries, IReadOnlyList<string> Problems)
{
    /// <summary>The plan's name for the deploy key; rollout.yaml holds no key material, so the name lives here.</summary>
    public const string SshPrivateKeyName = "SSH_PRIVATE_KEY";

    /// <summary>Variable naming a file that holds the deploy key (preferred over putting the key itself in a variable).</summary>
    public const string SshPrivateKeyFileVariable = "SSH_PRIVATE_KEY_FILE";

    public IEnumerable<string> Names => Entries.Select(e => e.Name);

    public SecretEntry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);

    public static SecretCatalogue For(Estate estate, string environmentName) => For(estate, estate.Environment(environmentName));

    public static SecretCatalogue For(Estate estate, EnvironmentSpec environment)
    {
        var entries = new List<SecretEntry>();
        var problems = new List<string>();

        void AddSetting(Setting setting, Func<EnvironmentSpec, Setting?> sameSettingIn, ServerSpec? server = null)
        {
            // A local environment holds literals; its secrets carry the names the remote environments give the same setting.
            var name = setting.VariableName ?? estate.Environments.Select(sameSettingIn).Select(s => s?.VariableName).FirstOrDefault(n => n is not null);
            if (name is null)
            {
                problems.Add($"{setting.Path}: no secret name (no environment of {estate.SourcePath} writes it as ${{NAME}}); write it as \"${{NAME:-{setting.Raw}}}\".");
                return;
            }
            entries.Add(new SecretEntry(name, SecretOriginKind.Setting, setting.Path, Setting: setting, Server: server));
        }

        if (environment.Deploy is { } deploy)
        {
            AddSetting(deploy.SshHost, e => e.Deploy?.SshHost);
            AddSetting(deploy.SshPort, e => e.Deploy?.SshPort);
            AddSetting(deploy.SshUser, e => e.Deploy?.SshUser);
            entries.Add(new SecretEntry(SshPrivateKeyName, SecretOriginKind.PrivateKey, $"environments.{environment.Name}.deploy"));
            AddSetting(deploy.SshTargetDir, e => e.Deploy?.SshTargetDir);
        }

        // Hosts and ports of the servers Rollout provisions; apps on the existing Plesk host reach it as localhost.
        foreach (var server in estate.EnabledServers(environment).Where(s => !s.Existing))
        {
            if (!environment.Servers.TryGetValue(server.Name, out var endpoint))
            {
                problems.Add($"environments.{environment.Name}.servers: server '{server.Name}' has no endpoint.");
                continue;
            }
            AddSetting(endpoint.Host, e => e.Servers.GetValueOrDefault(server.Name)?.Host, server);
            AddSetting(endpoint.Port, e => e.Servers.GetValueOrDefault(server.Name)?.Port, server);
        }

        foreach (var database in estate.EnabledDatabases(environment))
        {
            var server = estate.Server(database.ServerName);
            entries.Add(new SecretEntry(database.UserSecretName, SecretOriginKind.EstateLiteral, $"databases.{database.Name}.user",
                Literal: database.User, Database: database, Server: server));
            entries.Add(new SecretEntry(database.PasswordSecretName, SecretOriginKind.ServicePassword, $"databases.{database.Name}",
                Database: database, Server: server));
        }

        // After the plan's own names, so its phase-4 list stays exactly as it is.
        foreach (var backup in BackupSecrets.For(estate, environment))
            entries.Add(backup.Setting is { } location
                ? new SecretEntry(backup.Name, SecretOriginKind.Setting, location.Path, Setting: location, Purpose: backup.Purpose)
                : new SecretEntry(backup.Name, SecretOriginKind.OperationalCredential, backup.OriginPath, Server: backup.Server, Purpose: backup.Purpose));

        // Then the exporters' least-privilege account on each managed server, an operational account like the dump account.
        foreach (var server in MonitoringSecrets.MonitoredServers(estate, environment))
            entries.Add(new SecretEntry(MonitoringSecrets.AccountPassword(server), SecretOriginKind.OperationalCredential, $"monitoring.account on {server.Name}",
                Server: server, Purpose: $"password of the monitoring account {estate.Monitoring.Account} on {server.Name}"));

        foreach (var duplicate in entries.GroupBy(e => e.Name).Where(g => g.Count() > 1))
            problems.Add($"secret {duplicate.Key} is derived twice ({string.Join(", ", duplicate.Select(e => e.OriginPath))}); give one of them another name in {estate.SourcePath}.");

        return new SecretCatalogue(environment, entries, problems);
    }
}
