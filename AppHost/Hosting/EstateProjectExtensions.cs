using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Rollout.AppHost.Publishing;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// The Provisioner and the SmokeRunner as Aspire project resources: a reference to every server and database
/// (ConnectionStrings__…), the Provisioner waiting for the servers to be healthy, the SmokeRunner for the Provisioner
/// to complete. In run mode they are told the estate file and the state directory (absolute) this AppHost runs, as
/// arguments and as ROLLOUT_ESTATE / ROLLOUT_STATE_DIR, so they act on exactly this estate wherever its file is.
/// </summary>
public static class EstateProjectExtensions
{
    public static (IResourceBuilder<ProjectResource> Provisioner, IResourceBuilder<ProjectResource> SmokeRunner) AddEstateProjects(
        this IDistributedApplicationBuilder builder, EstateResources estate)
    {
        var run = estate.Runtime;
        var estatePath = estate.EstatePath;
        var environment = run is null ? PublishCommand.DefaultEnvironment : run.Environment.Name;
        string[] local = run is null ? [] : ["--estate", estatePath, "--state-dir", run.Layout.Root];
        var provisioner = builder.AddProject<Projects.Rollout_Provisioner>("provisioner")
            .WithArgs([.. ProjectCommands.Provision(environment), .. local])
            .WithEstate(estate, estatePath);
        foreach (var server in estate.Servers) provisioner.WaitFor(server);
        var smokeRunner = builder.AddProject<Projects.Rollout_SmokeRunner>("smokerunner")
            .WithArgs(run is null ? ProjectCommands.Smoke(environment, ProjectCommands.JunitFile(environment)) : ["--env", environment, .. local])
            .WithEstate(estate, estatePath)
            .WaitForCompletion(provisioner);
        if (run is not null)
        {
            provisioner.WithProvisionerCommands(estate);
            smokeRunner.WithSmokeCommand(estate);
        }
        if (estate.Published is { } target)
        {
            provisioner.WithCatalogueEnvironment(estate, target);
            smokeRunner.WithCatalogueEnvironment(estate, target);
        }
        return (provisioner, smokeRunner);
    }

    internal static IResourceBuilder<ProjectResource> WithEstate(this IResourceBuilder<ProjectResource> project, EstateResources estate, string estatePath)
    {
        foreach (var server in estate.Servers) project.WithReference(server);
        foreach (var database in estate.Databases) project.WithReference(database);
        if (estate.Runtime is { } run)
        {
            project.WithEnvironment(EstateOptions.EstateVariable, estatePath)
                .WithEnvironment(EstateOptions.StateDirectoryVariable, run.Layout.Root)
                .WithEnvironment("ROLLOUT_ENVIRONMENT", run.Environment.Name);
        }
        return project.WithOtlpExporter();
    }
}
