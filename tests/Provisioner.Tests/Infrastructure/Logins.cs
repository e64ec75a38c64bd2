using System.Globalization;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Tests.Infrastructure;

/// <summary>Logs in with the real mariadb and psql clients, as an application would.</summary>
public static class Logins
{
    public static async Task<ProcessRunner.Result> MariaDbAsync(ProvisionerStack stack, StackServer server, string user, Secret password, string database, bool tls = true) =>
        await ProcessRunner.RunAsync("mariadb",
            ["-h", "127.0.0.1", "-P", server.Port.ToString(CultureInfo.InvariantCulture), "-u", user, "-D", database, "-N", "-B",
             .. tls ? new[] { "--ssl", $"--ssl-ca={stack.CaFile}", "--ssl-verify-server-cert" } : ["--skip-ssl"],
             "-e", "SELECT CURRENT_USER()"],
            new Dictionary<string, string> { ["MYSQL_PWD"] = password.Reveal() });

    public static async Task<ProcessRunner.Result> PostgreSqlAsync(ProvisionerStack stack, string user, Secret password, string database, bool tls = true) =>
        await ProcessRunner.RunAsync("psql",
            [$"host=127.0.0.1 port={stack.PostgreSql.Port} user={user} dbname={database} " + (tls ? $"sslmode=verify-ca sslrootcert={stack.CaFile}" : "sslmode=disable"),
             "-At", "-c", "SELECT current_user || ' ' || (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())"],
            new Dictionary<string, string> { ["PGPASSWORD"] = password.Reveal(), ["PGCONNECT_TIMEOUT"] = "5" });
}
