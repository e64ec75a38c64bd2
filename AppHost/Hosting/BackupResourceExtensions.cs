using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Lifecycle;
using Rollout.AppHost.Local;
using Rollout.AppHost.Publishing;
using Rollout.Topology.Loading;
using Rollout.Topology.Secrets;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// The Backup worker (issue 10) as an Aspire project resource "backup": `Backup -- worker` on exactly this estate
/// (the same references, ROLLOUT_ESTATE / ROLLOUT_STATE_DIR and OTLP as the Provisioner), started once the Provisioner
/// completed, because the Provisioner creates the backup account. Nothing waits for it, so the servers and the
/// SmokeRunner start as before. In run mode it carries the "backup-now" and "restore-test" commands.
/// </summary>
public static class BackupResourceExtensions
{
    public const string ResourceName = "backup";
    private const string ProvisionerName = "provisioner";
    private const string ResticProgram = "/usr/bin/restic";

    /// <summary>Adds the worker; call after <see cref="EstateProjectExtensions.AddEstateProjects"/> (it waits for the provisioner added there).</summary>
    public static IResourceBuilder<ProjectResource> AddBackupWorker(this IDistributedApplicationBuilder builder, EstateResources estate)
    {
        var provisioner = builder.Resources.OfType<ProjectResource>().SingleOrDefault(r => r.Name == ProvisionerName)
            ?? throw new InvalidOperationException($"AddBackupWorker needs the '{ProvisionerName}' project resource: call AddEstateProjects first.");
        var run = estate.Runtime;
        var environment = run is null ? PublishCommand.DefaultEnvironment : run.Environment.Name;
        string[] local = run is null ? [] : ["--estate", estate.EstatePath, "--state-dir", run.Layout.Root];
        var backup = builder.AddProject<Projects.Rollout_Backup>(ResourceName)
            .WithArgs(["worker", "--env", environment, .. local])
            .WithEstate(estate, estate.EstatePath)
            .WaitForCompletion(builder.CreateResourceBuilder(provisioner));
        if (run is null) return backup.WithBackupSecretParameters(builder, estate, environment);

        // The repository keys exist before anything can use them: the worker and a "backup now" started at the same
        // moment would otherwise each generate one into the store, and the repository would be keyed with the loser's.
        // Subscribed after AddEstate's BeforeStartEvent handler, so a --fresh start has already cleared the store.
        builder.Eventing.Subscribe<BeforeStartEvent>(async (_, cancellationToken) =>
        {
            foreach (var name in new[] { BackupSecrets.RepositoryPassword, BackupSecrets.OffsitePassword })
                await LocalServerContext.EnsureSecretAsync(run.Secrets, name, cancellationToken);
            // The quick start's promise covers the worker's tool too: on a fresh machine, as root, restic is installed
            // with the servers' packages (one dpkg lock, in this process); otherwise the worker's log names the package.
            if (!File.Exists(ResticProgram)) await Task.Run(() => PackageInstaller.TryInstall("restic", ResticProgram), cancellationToken);
        });
        return backup.WithBackupCommands(estate);
    }

    /// <summary>
    /// Publish mode: the backup's settings (repository locations, repository keys, the dump accounts' passwords) as
    /// Aspire parameters, secret where they are credentials, so the manifest references them and never holds a value.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithBackupSecretParameters(this IResourceBuilder<ProjectResource> backup,
        IDistributedApplicationBuilder builder, EstateResources estate, string environment)
    {
        var model = EstateLoader.LoadFile(estate.EstatePath);
        foreach (var secret in BackupSecrets.For(model, model.Environment(environment)))
        {
            var name = secret.Name.ToLowerInvariant().Replace('_', '-');
            var parameter = builder.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == name) is { } existing
                ? builder.CreateResourceBuilder(existing)
                : builder.AddParameter(name, secret: secret.IsCredential);
            backup.WithEnvironment(secret.Name, parameter);
        }
        return backup;
    }
}
