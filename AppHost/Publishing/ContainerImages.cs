using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing;

/// <summary>Where each server's container image keeps its data (the image itself comes from the model's ServerResource).</summary>
public static class ContainerImage
{
    public static string DataDirectory(Engine engine) => engine switch
    {
        Engine.MariaDb => "/var/lib/mysql",
        Engine.PostgreSql => "/var/lib/postgresql/data",
        _ => "/data",
    };

    /// <summary>The named volume of a server's data, as Aspire names data volumes (&lt;resource&gt;-data).</summary>
    public static string VolumeName(ServerSpec server) => server.Name + "-data";
}
