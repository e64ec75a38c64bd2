using Rollout.Backup.Repository;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Passwords;
using Rollout.ServiceDefaults.Redaction;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;
using Rollout.Topology.Secrets;

namespace Rollout.Backup.Cli;

/// <summary>
/// An estate bound to one environment exactly as the Provisioner binds it, plus what backups need: the secret source,
/// the repository and (on demand) the offsite repository. Local: both repositories and their passwords live in the
/// state directory (BACKUP_OFFSITE_REPOSITORY may point the offsite elsewhere); remote: rollout.yaml's settings and
/// environment variables.
/// </summary>
public sealed record BackupContext(EnvironmentBinding Binding, string StateDirectory, ISecretSource Secrets, ResticRepository Repository, Func<Task<ResticRepository>> Offsite)
{
    public Estate Estate => Binding.Estate;
    public string BackupDirectory => Path.Combine(StateDirectory, "backup");

    public static async Task<BackupContext> LoadAsync(CommonValues values, CommandIo io, CancellationToken cancellationToken)
    {
        var estatePath = values.Estate is { } given ? Path.GetFullPath(given, io.WorkingDirectory) : EstateLoader.Locate(io.WorkingDirectory);
        var estate = EstateLoader.LoadFile(estatePath);
        var environment = estate.Environments.FirstOrDefault(e => e.Name == values.Environment)
            ?? throw new BackupInputException($"--env {values.Environment}: no such environment in {estatePath} (environments: {string.Join(", ", estate.Environments.Select(e => e.Name))}).");
        var stateDirectory = (values.StateDirectory ?? io.Variables("ROLLOUT_STATE_DIR")) is { Length: > 0 } dir
            ? Path.GetFullPath(dir, io.WorkingDirectory)
            : Path.Combine(Path.GetDirectoryName(estatePath)!, ".rollout");
        var cache = Path.Combine(stateDirectory, "backup", "cache");
        var offsiteOptions = io.Variables("BACKUP_OFFSITE_SFTP_COMMAND") is { Length: > 0 } sftp ? new[] { "sftp.command=" + sftp } : [];

        if (environment.Kind == EnvironmentKind.Local)
        {
            var binding = await LocalEnvironmentBinder.BindAsync(estate, stateDirectory, cancellationToken, environment.Name);
            var store = LocalSecretStore.InStateDirectory(stateDirectory);
            var repository = new ResticRepository(Path.Combine(stateDirectory, "backup", "repository"),
                await GetOrCreateAsync(store, BackupSecrets.RepositoryPassword, cancellationToken), cache);
            var offsiteLocation = io.Variables("BACKUP_OFFSITE_REPOSITORY") is { Length: > 0 } o ? o : Path.Combine(stateDirectory, "backup", "offsite");
            var offsitePassword = await GetOrCreateAsync(store, BackupSecrets.OffsitePassword, cancellationToken);
            return new BackupContext(binding, stateDirectory, store, repository,
                () => Task.FromResult(new ResticRepository(offsiteLocation, offsitePassword, cache, offsiteOptions)));
        }

        var remote = RemoteEnvironmentBinder.Bind(estate, environment.Name, io.Variables);
        var secrets = new EnvironmentVariableSecretSource(io.Variables);
        var location = estate.Backup.Repository?.Resolve(io.Variables) is { Length: > 0 } l ? l
            : throw new BackupInputException($"backup.repository: set {estate.Backup.Repository?.VariableName ?? "backup.repository in " + estatePath} to the restic repository (a path, sftp:… or s3:…).");
        var primary = new ResticRepository(location, await RequireAsync(secrets, BackupSecrets.RepositoryPassword, cancellationToken), cache);
        return new BackupContext(remote, stateDirectory, secrets, primary, async () =>
        {
            var offsite = estate.Backup.OffsiteRepository?.Resolve(io.Variables) is { Length: > 0 } r ? r
                : throw new BackupInputException($"backup.offsiteRepository: set {estate.Backup.OffsiteRepository?.VariableName ?? "backup.offsiteRepository"} to the offsite restic repository (sftp:… or s3:…).");
            return new ResticRepository(offsite, await RequireAsync(secrets, BackupSecrets.OffsitePassword, cancellationToken), cache, offsiteOptions);
        });
    }

    /// <summary>The password of the dump account on a server.</summary>
    public async Task<Secret> AccountPasswordAsync(ServerSpec server, CancellationToken cancellationToken) =>
        await Secrets.GetAsync(BackupSecrets.AccountPassword(server), cancellationToken) is { } value
            ? Registered(value)
            : throw new BackupException($"server '{server.Name}': no password for the backup account {Estate.Backup.Account} ({BackupSecrets.AccountPassword(server)} in {Secrets.Description}). Run `dotnet run --project Provisioner -- apply --env {Binding.Name}`, which creates the account.");

    private static async Task<Secret> GetOrCreateAsync(LocalSecretStore store, string name, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(name, cancellationToken) is { } existing) return Registered(existing);
        var created = GeneratedPassword.New();
        await store.SetAsync(name, created, cancellationToken);
        return Registered(created);
    }

    private static async Task<Secret> RequireAsync(ISecretSource source, string name, CancellationToken cancellationToken) =>
        await source.GetAsync(name, cancellationToken) is { } value
            ? Registered(value)
            : throw new BackupInputException($"{name} is not set: the key of the restic repository. {BackupSecrets.LossWarning}");

    private static Secret Registered(Secret secret)
    {
        SecretRedactor.Shared.Register(secret);
        return secret;
    }
}
