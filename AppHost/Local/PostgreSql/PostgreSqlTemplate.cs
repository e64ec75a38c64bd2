using Rollout.AppHost.Local.Processes;
using Rollout.AppHost.Local.Templates;
using Rollout.AppHost.Local.Tls;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Local.PostgreSql;

/// <summary>
/// The pristine PostgreSQL data directory: initdb's output with the superuser rollout_admin but no
/// password (nobody can log in: pg_hba says reject until the AppHost writes its own). The password is
/// set on each copy by <see cref="SetAdminPasswordAsync"/> in single-user mode, so the template holds no secret.
/// </summary>
public static class PostgreSqlTemplate
{
    public const string Name = "postgresql";

    public static async Task<DataDirectoryTemplate> CreateAsync(ServerBinaries binaries, ServerAccount? account, string logPath, CancellationToken cancellationToken)
    {
        // initdb copies the operating system's locales into pg_collation and its time zone into postgresql.conf.
        var locales = await ProgramOutput.ReadAsync("locale", ["-a"], cancellationToken);
        IReadOnlyList<string> Arguments(string directory) =>
        [
            "-D", directory, $"--username={LocalSecretNames.AdminUser}", "--auth=reject",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        ];
        var key = await DataDirectoryTemplate.KeyAsync(Name, binaries.PostgreSqlServer, binaries.PostgreSqlInitDb, account, Arguments("<datadir>"),
            [
                ("timezone", $"{Environment.GetEnvironmentVariable("TZ")} {TimeZoneInfo.Local.Id}"),
                ("locales", string.Join(' ', locales.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal))),
                ("postgresql.conf", PostgreSqlConfiguration.IncludeLine),
            ], cancellationToken);
        return new DataDirectoryTemplate(Name, key, async (directory, ct) =>
        {
            await ChildProcessLauncher.RunToCompletionAsync(new LaunchSpec(binaries.PostgreSqlInitDb, Arguments(directory), logPath, account, Signal.Kill),
                "initdb", ct);
            await File.AppendAllTextAsync(Path.Combine(directory, "postgresql.conf"),
                Environment.NewLine + PostgreSqlConfiguration.IncludeLine + Environment.NewLine, ct);
        });
    }

    /// <summary>
    /// Sets rollout_admin's password in a copied data directory that no server runs on: `postgres
    /// --single` reads ALTER ROLE with the SCRAM verifier (never the plaintext) from a 0600 file;
    /// exit_on_error makes a failed statement a non-zero exit, and the statement is never logged.
    /// </summary>
    public static async Task SetAdminPasswordAsync(ServerBinaries binaries, string dataDirectory, Secret password, ServerAccount? account,
        string runDirectory, string logPath, CancellationToken cancellationToken)
    {
        // postgresql.conf includes rollout.conf, which each start writes; single-user mode needs it to exist.
        var includedConfig = Path.Combine(dataDirectory, "rollout.conf");
        if (!File.Exists(includedConfig)) await File.WriteAllTextAsync(includedConfig, "", cancellationToken);
        ServerAccount.Own(account, includedConfig);
        var input = Path.Combine(runDirectory, "admin-password.sql");
        var verifier = ScramSha256Verifier.Create(password);
        LocalCertificateAuthority.WriteSecretFile(input,
            $"ALTER ROLE \"{LocalSecretNames.AdminUser}\" PASSWORD '{verifier}'\n", owner: null);
        try
        {
            await ChildProcessLauncher.RunToCompletionAsync(new LaunchSpec(binaries.PostgreSqlServer,
                [
                    "--single", "-D", dataDirectory, "-c", "exit_on_error=on", "-c", "log_min_error_statement=panic",
                    "-c", "fsync=off", "postgres",
                ], logPath, account, Signal.Kill, StandardInputPath: input), "Setting the PostgreSQL admin password (postgres --single)", cancellationToken);
        }
        finally
        {
            File.Delete(input);
        }
    }
}
