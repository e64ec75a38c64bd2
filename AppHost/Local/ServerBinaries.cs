using Rollout.Topology.Model;

namespace Rollout.AppHost.Local;

/// <summary>
/// Where the server programs are. Defaults are Debian 12's paths; the command line can point any of
/// them elsewhere (--mariadbd, --postgres, --redis-server). The helpers (mariadb-install-db, initdb)
/// are taken from the same packages.
/// </summary>
public sealed record ServerBinaries(
    string MariaDbServer,
    string MariaDbInstallDb,
    string PostgreSqlServer,
    string PostgreSqlInitDb,
    string RedisServer)
{
    public static readonly ServerBinaries Debian = new(
        "/usr/sbin/mariadbd",
        "/usr/bin/mariadb-install-db",
        "/usr/lib/postgresql/15/bin/postgres",
        "/usr/lib/postgresql/15/bin/initdb",
        "/usr/bin/redis-server");

    /// <summary>The Debian package that provides an engine's server.</summary>
    public static string PackageOf(Engine engine) => engine switch
    {
        Engine.MariaDb => "mariadb-server",
        Engine.PostgreSql => "postgresql-15",
        _ => "redis-server",
    };

    private static bool IsDebianDefault(string path) =>
        path == Debian.MariaDbServer || path == Debian.MariaDbInstallDb || path == Debian.PostgreSqlServer
        || path == Debian.PostgreSqlInitDb || path == Debian.RedisServer;

    /// <summary>Installs the package when root (Debian default paths only), else throws a <see cref="LocalServerException"/> naming the package and the option when a program is missing.</summary>
    public static void Require(string path, Engine engine, string resourceName, string option)
    {
        if (File.Exists(path)) return;
        var package = PackageOf(engine);
        if (IsDebianDefault(path) && PackageInstaller.TryInstall(package, path)) return;
        throw new LocalServerException(
            $"Resource '{resourceName}': server program {path} not found. Install the Debian package {package} " +
            $"(`sudo apt-get install -y {package}`), or point {option} at the program.");
    }
}
