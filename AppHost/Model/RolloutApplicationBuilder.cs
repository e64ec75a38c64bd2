using Rollout.ServiceDefaults.Local;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Model;

/// <summary>
/// Declares the application (Aspire's IDistributedApplicationBuilder). <see cref="AddEstate"/> adds
/// the servers the environment enables, their databases and every password parameter from
/// rollout.yaml. The model `publish` renders compose, workflows and the README from (the running estate and
/// Aspire's manifest come from the Aspire application model: Hosting/).
/// </summary>
public sealed class RolloutApplicationBuilder
{
    public RolloutApplicationBuilder(Estate estate, EnvironmentSpec environment)
    {
        Estate = estate;
        Environment = environment;
    }

    public Estate Estate { get; }

    /// <summary>The environment the servers are taken from (local).</summary>
    public EnvironmentSpec Environment { get; }

    public ApplicationModel Model { get; } = new();

    /// <summary>Adds every server the environment enables and, under each, its enabled databases.</summary>
    public IReadOnlyList<ServerResource> AddEstate()
    {
        var databases = Estate.EnabledDatabases(Environment);
        var servers = new List<ServerResource>();
        foreach (var spec in Estate.EnabledServers(Environment))
        {
            var server = AddServer(spec);
            foreach (var database in databases.Where(d => d.ServerName == spec.Name))
                AddDatabase(server, database);
            servers.Add(server);
        }
        return servers;
    }

    public ServerResource AddServer(ServerSpec spec)
    {
        var adminPassword = spec.IsDatabaseServer && !spec.Existing
            ? Model.Add(new ParameterResource($"{spec.Name}-password", LocalSecretNames.AdminPassword(spec.Name)))
            : null;
        return Model.Add(new ServerResource(spec, adminPassword));
    }

    public DatabaseResource AddDatabase(ServerResource server, DatabaseSpec spec)
    {
        var password = Model.Add(new ParameterResource($"{spec.User.Replace('_', '-')}-password", spec.PasswordSecretName));
        return Model.Add(new DatabaseResource(spec, server, password));
    }

    /// <summary>Adds a .NET project; <paramref name="projectPath"/> is relative to the repository root.</summary>
    public ProjectResource AddProject(string name, string projectPath) => Model.Add(new ProjectResource(name, projectPath));
}
