namespace Rollout.AppHost.Hosting;

/// <summary>
/// The one application model of the estate, built the same way for `dotnet run` (run mode: servers, projects, dashboard)
/// and for publishing (publish mode: Aspire's manifest publisher writes it), so both describe the same resources.
/// </summary>
public static class EstateApplication
{
    public static (DistributedApplication App, EstateResources Estate) Build(EstateOptions options, string[] aspireArgs)
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = aspireArgs, DisableDashboard = options.NoDashboard });
        var estate = builder.AddEstate(options);
        if (options.RunProjects)
        {
            var projects = builder.AddEstateProjects(estate);
            builder.AddEstateMonitoring(estate, projects.Provisioner);
            builder.AddBackupWorker(estate);
        }
        return (builder.Build(), estate);
    }
}
