using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing;

/// <summary>
/// The container images of the estate's servers, pinned to the major versions the local replica
/// runs (MariaDB 10.11, PostgreSQL 15, Redis 7), plus where each keeps its data and listens.
/// </summary>
public sealed record ContainerImage(string Image, string DataDirectory, int TargetPort)
{
    public static ContainerImage For(Engine engine) => engine switch
    {
        Engine.MariaDb => new ContainerImage("docker.io/library/mariadb:10.11", "/var/lib/mysql", 3306),
        Engine.PostgreSql => new ContainerImage("docker.io/library/postgres:15", "/var/lib/postgresql/data", 5432),
        _ => new ContainerImage("docker.io/library/redis:7", "/data", 6379),
    };

    /// <summary>The named volume of a server's data, as Aspire names data volumes (&lt;resource&gt;-data).</summary>
    public static string VolumeName(ServerSpec server) => server.Name + "-data";
}
