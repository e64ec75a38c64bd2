using Rollout.AppHost.Local.Processes;
using Rollout.AppHost.Local.Templates;

namespace Rollout.AppHost.Local.MariaDb;

/// <summary>
/// The pristine MariaDB data directory: mariadb-install-db's output (root by socket authentication
/// only, no test database, no password anywhere). The admin account is made at each start by the
/// server's init-file, so the template holds no secret.
/// </summary>
public static class MariaDbTemplate
{
    public const string Name = "mariadb";

    public static async Task<DataDirectoryTemplate> CreateAsync(ServerBinaries binaries, ServerAccount? account, string installLogPath, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> Arguments(string directory) =>
        [
            "--no-defaults", $"--datadir={directory}", "--auth-root-authentication-method=socket", "--skip-test-db", "--skip-name-resolve",
            .. MariaDbConfiguration.StorageOptions.Select(o => "--" + o),
        ];
        // install-db creates a socket-authenticated account for the user it runs as (part of the key) on this host.
        var key = await DataDirectoryTemplate.KeyAsync(Name, binaries.MariaDbServer, binaries.MariaDbInstallDb, account, Arguments("<datadir>"),
            [("host", Environment.MachineName)], cancellationToken);
        return new DataDirectoryTemplate(Name, key, async (directory, ct) =>
        {
            // One retry: on a machine shared with other server-heavy work the bootstrap server is
            // occasionally lost mid-way ("cat: write error: Broken pipe"); a clean second run fixes it.
            for (var attempt = 1; ; attempt++)
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
                {
                    if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                    else File.Delete(entry);
                }
                try
                {
                    await ChildProcessLauncher.RunToCompletionAsync(
                        new LaunchSpec(binaries.MariaDbInstallDb, Arguments(directory), installLogPath, account, Signal.Kill), "mariadb-install-db", ct);
                    return;
                }
                catch (LocalServerException) when (attempt == 1)
                {
                }
            }
        });
    }
}
