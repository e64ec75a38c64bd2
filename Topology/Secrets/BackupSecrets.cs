using Rollout.Topology.Model;

namespace Rollout.Topology.Secrets;

/// <summary>One secret of the backup system: its name, what it protects and where rollout.yaml asks for it. Holds no value.</summary>
public sealed record BackupSecret(string Name, string Purpose, bool IsCredential, Setting? Setting = null, ServerSpec? Server = null, string OriginPath = "backup");

/// <summary>
/// The backup system's secrets of an environment, derived from the estate: the password of the read-only
/// dump account on each managed server, the repository password, the offsite repository's location and
/// password. Local values live in the state directory's secret store; remote ones in environment variables.
/// </summary>
public static class BackupSecrets
{
    public const string RepositoryPassword = "BACKUP_REPOSITORY_PASSWORD";
    public const string OffsitePassword = "BACKUP_OFFSITE_PASSWORD";

    /// <summary>Printed wherever the secrets are listed: restic cannot decrypt a repository without one of its keys.</summary>
    public const string LossWarning =
        "Losing BACKUP_REPOSITORY_PASSWORD (or BACKUP_OFFSITE_PASSWORD) loses every backup in that repository: restic cannot decrypt it without a key. " +
        "Keep a second key (`restic key add`, see README \"Backups\") in a separate safe place.";

    /// <summary>Password of the dump account on a server, e.g. EXTERNAL_MARIADB_BACKUP_PASS.</summary>
    public static string AccountPassword(ServerSpec server) => server.Name.ToUpperInvariant().Replace('-', '_') + "_BACKUP_PASS";

    /// <summary>The servers whose databases are backed up: managed database servers (the existing Plesk host is never altered, so it gets no dump account).</summary>
    public static IReadOnlyList<ServerSpec> BackedUpServers(Estate estate, EnvironmentSpec environment) =>
        estate.EnabledServers(environment).Where(s => s.IsDatabaseServer && !s.Existing).ToList();

    public static IReadOnlyList<BackupSecret> For(Estate estate, EnvironmentSpec environment)
    {
        var secrets = BackedUpServers(estate, environment)
            .Select(s => new BackupSecret(AccountPassword(s), $"password of the dump account {estate.Backup.Account} on {s.Name}", true, Server: s, OriginPath: $"backup.account on {s.Name}"))
            .ToList();
        if (environment.Kind == EnvironmentKind.Remote && estate.Backup.Repository?.VariableName is { } repository)
            secrets.Add(new BackupSecret(repository, "location of the restic repository", false, estate.Backup.Repository));
        secrets.Add(new BackupSecret(RepositoryPassword, "key of the restic repository", true, OriginPath: "backup.repository"));
        if (estate.Backup.Schedules.Any(s => s.Offsite))
        {
            if (environment.Kind == EnvironmentKind.Remote && estate.Backup.OffsiteRepository?.VariableName is { } offsite)
                secrets.Add(new BackupSecret(offsite, "location of the offsite restic repository", false, estate.Backup.OffsiteRepository));
            secrets.Add(new BackupSecret(OffsitePassword, "key of the offsite restic repository", true, OriginPath: "backup.offsiteRepository"));
        }
        return secrets;
    }
}
