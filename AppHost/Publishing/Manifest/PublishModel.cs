using Rollout.AppHost.Model;
using ProjectResource = Rollout.AppHost.Model.ProjectResource;
using ReferenceExpression = Rollout.AppHost.Model.ReferenceExpression;
using ParameterResource = Rollout.AppHost.Model.ParameterResource;
using EndpointReference = Rollout.AppHost.Model.EndpointReference;
using IResource = Rollout.AppHost.Model.IResource;
using IResourceWithConnectionString = Rollout.AppHost.Model.IResourceWithConnectionString;

namespace Rollout.AppHost.Publishing.Manifest;

/// <summary>
/// The application model that publish renders: the AppHost's own resource model (servers, databases
/// and their password parameters from <see cref="RolloutApplicationBuilder.AddEstate"/>) for the target
/// environment, plus the Provisioner and SmokeRunner projects referencing every database.
/// </summary>
public static class PublishModel
{
    public const string ProvisionerProject = "Provisioner/Rollout.Provisioner.csproj";
    public const string SmokeRunnerProject = "SmokeRunner/Rollout.SmokeRunner.csproj";

    public static ApplicationModel Create(PublishTarget target)
    {
        var builder = new RolloutApplicationBuilder(target.Estate, target.Environment);
        var servers = builder.AddEstate();
        var databases = builder.Model.Databases.ToList();
        var provisioner = builder.AddProject("provisioner", ProvisionerProject)
            .WithArgs(ProjectCommands.Provision(target.Name))
            .WithReferences(databases);
        foreach (var server in servers.Where(s => !s.Spec.Existing)) provisioner.WaitFor(server);
        builder.AddProject("smokerunner", SmokeRunnerProject)
            .WithArgs(ProjectCommands.Smoke(target.Name, ProjectCommands.JunitFile(target.Name)))
            .WithReferences(databases)
            .WaitForCompletion(provisioner);
        return builder.Model;
    }
}
