using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Secrets;

public enum SecretKind { Setting, DatabaseUser, DatabasePassword, SshKey }

/// <summary>One named secret of an environment and where its name comes from in the estate.</summary>
public sealed record CatalogueSecret(string Name, SecretKind Kind, string Origin, string? DefaultValue)
{
    public bool IsSensitive => Kind is SecretKind.DatabasePassword or SecretKind.SshKey
        || Name.EndsWith("_PASS", StringComparison.Ordinal) || Name.EndsWith("_PASSWORD", StringComparison.Ordinal);
}

/// <summary>
/// The names of an environment's secrets, derived from the estate: every environment variable a
/// setting of the environment reads (MYSQL_HOST, PG_ADMIN_PASS, SSH_USER, …) and the user/password
/// pair of every enabled database (MO_CRM_DB_USER/PASS, PG_IDP_DB_USER/PASS, …). Nothing here is a
/// second list of names.
/// </summary>
public sealed class SecretCatalogue
{
    /// <summary>
    /// The deploy key for SSH_HOST. rollout.yaml models the SSH endpoint (deploy.ssh*) but key material
    /// is not a setting; the plan names it SSH_PRIVATE_KEY next to SSH_HOST/SSH_USER.
    /// </summary>
    public const string SshPrivateKey = "SSH_PRIVATE_KEY";

    private SecretCatalogue(string environment, IReadOnlyList<CatalogueSecret> secrets)
    {
        Environment = environment;
        Secrets = secrets;
    }

    public string Environment { get; }

    public IReadOnlyList<CatalogueSecret> Secrets { get; }

    public IEnumerable<string> Names => Secrets.Select(s => s.Name);

    public bool Contains(string name) => Secrets.Any(s => s.Name == name);

    public static SecretCatalogue For(Estate estate, EnvironmentSpec environment)
    {
        var secrets = new List<CatalogueSecret>();
        void AddSetting(Setting? setting)
        {
            if (setting?.VariableName is { } name && secrets.All(s => s.Name != name))
                secrets.Add(new CatalogueSecret(name, SecretKind.Setting, setting.Path, setting.DefaultValue));
        }

        if (environment.Deploy is { } deploy)
        {
            AddSetting(deploy.SshHost);
            AddSetting(deploy.SshPort);
            AddSetting(deploy.SshUser);
            secrets.Add(new CatalogueSecret(SshPrivateKey, SecretKind.SshKey, $"environments.{environment.Name}.deploy", null));
            AddSetting(deploy.SshTargetDir);
        }
        AddSetting(environment.AppServerIp);
        foreach (var adminIp in environment.AdminIps) AddSetting(adminIp);
        foreach (var server in estate.EnabledServers(environment))
        {
            if (!environment.Servers.TryGetValue(server.Name, out var endpoint)) continue;
            AddSetting(endpoint.Host);
            AddSetting(endpoint.Port);
            AddSetting(endpoint.AdminUser);
            AddSetting(endpoint.AdminPassword);
            AddSetting(endpoint.CaFile);
        }
        foreach (var database in estate.EnabledDatabases(environment))
        {
            secrets.Add(new CatalogueSecret(database.UserSecretName, SecretKind.DatabaseUser, $"databases.{database.Name}.user", database.User));
            secrets.Add(new CatalogueSecret(database.PasswordSecretName, SecretKind.DatabasePassword, $"databases.{database.Name}", null));
        }
        return new SecretCatalogue(environment.Name, secrets);
    }
}
