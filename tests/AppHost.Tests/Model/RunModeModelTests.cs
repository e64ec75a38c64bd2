using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Rollout.AppHost.Hosting;

using Rollout.AppHost.Tests.Lifecycle;

namespace Rollout.AppHost.Tests.Model;

/// <summary>The Aspire application model of `dotnet run` (built, not started): what the orchestrator would be given.</summary>
public sealed class RunModeModelTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _state = new();
    private DistributedApplication _app = null!;

    private DistributedApplicationModel Model => _app.Services.GetRequiredService<DistributedApplicationModel>();

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Rollout_AppHost>(["--state-dir", _state.Path],
            (options, _) => options.DisableDashboard = true);
        _app = await builder.BuildAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _state.Dispose();
    }

    /// <summary>No container engine here: a container resource in run mode would block the start for good.</summary>
    [Fact]
    public void Run_mode_has_no_container_resource()
    {
        Assert.Empty(Model.Resources.OfType<ContainerResource>());
        Assert.Equal(["plesk", "external-mariadb", "external-postgres", "redis"], Model.Resources.OfType<EstateServerResource>().Select(r => r.Name));
    }

    [Fact]
    public void Servers_are_executables_on_fixed_unproxied_endpoints_with_a_health_check()
    {
        foreach (var server in Model.Resources.OfType<EstateServerResource>())
        {
            var endpoint = Assert.Single(server.Annotations.OfType<EndpointAnnotation>());
            Assert.False(endpoint.IsProxied);
            Assert.Equal(endpoint.Port, endpoint.TargetPort);
            Assert.NotEmpty(server.Annotations.OfType<HealthCheckAnnotation>());
            Assert.Equal("/bin/sh", server.Command);
        }
    }

    [Fact]
    public void Databases_are_children_with_service_user_connection_strings_and_secret_password_parameters()
    {
        var databases = Model.Resources.OfType<EstateDatabaseResource>().ToList();
        Assert.Equal(17, databases.Count);
        var crm = databases.Single(d => d.Name == "mo-crm");
        Assert.Equal("mo_crm", crm.DatabaseName);
        Assert.Equal("external-mariadb", crm.Parent.Name);
        Assert.Contains("User ID=svc_crm;Password={svc-crm-password.value};Database=mo_crm", crm.ConnectionStringExpression.ValueExpression);
        Assert.DoesNotContain("rollout_admin", crm.ConnectionStringExpression.ValueExpression);
        Assert.True(crm.Password.Secret);
        Assert.All(databases, d => Assert.Matches("^[a-z0-9-]+$", d.Name));
    }

    [Fact]
    public void The_projects_reference_every_database_and_wait_for_the_servers_and_the_provisioner()
    {
        var provisioner = Model.Resources.OfType<ProjectResource>().Single(p => p.Name == "provisioner");
        var smokeRunner = Model.Resources.OfType<ProjectResource>().Single(p => p.Name == "smokerunner");
        Assert.Equal(4, provisioner.Annotations.OfType<WaitAnnotation>().Count());
        var wait = Assert.Single(smokeRunner.Annotations.OfType<WaitAnnotation>());
        Assert.Equal(WaitType.WaitForCompletion, wait.WaitType);
        Assert.Same(provisioner, wait.Resource);
        Assert.Equal(21, smokeRunner.Annotations.OfType<ResourceRelationshipAnnotation>().Count(r => r.Type == "Reference"));
    }
}
