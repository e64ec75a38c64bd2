using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Secrets;

public enum SecretKind { Setting, DatabaseUser, DatabasePassword, SshKey, OperationalCredential }

/// <summary>One named secret of an environment and where its name comes from in the estate.</summary>
public sealed record CatalogueSecret(string Name, SecretKind Kind, string Origin, string? DefaultValue)
{
    public bool IsSensitive => Kind is SecretKind.DatabasePassword or SecretKind.SshKey or SecretKind.OperationalCredential
        || Name.EndsWith("_PASS", StringComparison.Ordinal) || Name.EndsWith("_PASSWORD", StringComparison.Ordinal);
}

/// <summary>
/// The variables a deployment must hand to the Provisioner and SmokeRunner of one environment: the
/// plan's secret catalogue (<see cref="Topology.Secrets.SecretCatalogue"/>: SSH_*, provisioned hosts and
/// ports, MO_CRM_DB_USER/PASS, PG_IDP_DB_USER/PASS, …) followed by the other variables the environment
/// binding reads (app server and admin IPs, admin credentials, CA files, the existing server's endpoint).
/// Both are derived from rollout.yaml; nothing here is a list of names.
/// </summary>
public sealed class SecretCatalogue
{
    /// <summary>The deploy key for SSH_HOST (the plan's name; rollout.yaml holds no key material).</summary>
    public const string SshPrivateKey = Topology.Secrets.SecretCatalogue.SshPrivateKeyName;

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
        foreach (var entry in Topology.Secrets.SecretCatalogue.For(estate, environment).Entries)
        {
            secrets.Add(entry.Origin switch
            {
                Topology.Secrets.SecretOriginKind.EstateLiteral => new CatalogueSecret(entry.Name, SecretKind.DatabaseUser, entry.OriginPath, entry.Literal),
                Topology.Secrets.SecretOriginKind.ServicePassword => new CatalogueSecret(entry.Name, SecretKind.DatabasePassword, entry.OriginPath, null),
                Topology.Secrets.SecretOriginKind.PrivateKey => new CatalogueSecret(entry.Name, SecretKind.SshKey, entry.OriginPath, null),
                Topology.Secrets.SecretOriginKind.OperationalCredential => new CatalogueSecret(entry.Name, SecretKind.OperationalCredential, entry.OriginPath, null),
                _ => new CatalogueSecret(entry.Name, SecretKind.Setting, entry.OriginPath, entry.Setting?.DefaultValue),
            });
        }

        void AddSetting(Setting? setting)
        {
            if (setting?.VariableName is { } name && secrets.All(s => s.Name != name))
                secrets.Add(new CatalogueSecret(name, SecretKind.Setting, setting.Path, setting.DefaultValue));
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
        return new SecretCatalogue(environment.Name, secrets);
    }
}
