using System.CommandLine;
using Rollout.Provisioner.Commands;
using Rollout.Provisioner.Tests.Infrastructure;

namespace Rollout.Provisioner.Tests.Migration;

/// <summary>
/// What the migration tests add to the shared stack: the estate variant in which mo_votes has moved
/// (`server: external-mariadb, migrateFrom: plesk`), the Provisioner with its migrate verb run in-process on it, and the
/// test's own hands on the Plesk replica (its seed, the dump privileges a Plesk admin would grant, its general query log).
/// </summary>
public sealed class MigrationEstate(ProvisionerStack stack)
{
    public const string Database = "mo_votes";
    private const string PleskLine = "mo_votes:      { server: plesk, user: svc_votes,      userHost: localhost, purpose: Voting-System }";
    private const string MovedLine = "mo_votes:      { server: external-mariadb, migrateFrom: plesk, user: svc_votes, purpose: Voting-System, charset: utf8mb4, collation: utf8mb4_unicode_ci }";
    private static readonly string[] SourceAccounts = ["'svc_votes'@'localhost'", "'svc_votes'@'127.0.0.1'"];

    public ProvisionerStack Stack => stack;
    public string EstatePath { get; } = EstateVariants.Write(stack, PleskLine, MovedLine);
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("rollout-migration-").FullName;

    /// <summary>Runs the Provisioner (plan, apply, migrate) on the variant, bound to the stack's local environment.</summary>
    public Task<ProvisionerResult> RunAsync(params string[] args) => RunWithStateAsync(stack.StateDirectory, args);

    /// <summary>As <see cref="RunAsync"/>, bound through another state directory (a copy with a server moved away).</summary>
    public async Task<ProvisionerResult> RunWithStateAsync(string stateDirectory, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var io = new CommandIo(output, error, _ => null, Path.GetDirectoryName(EstatePath)!);
        var root = new RootCommand();
        root.Add(PlanCommand.Create(io));
        root.Add(ApplyCommand.Create(io));
        root.Add(MigrateCommand.Create(io));
        string[] bound = [.. args, "--estate", EstatePath, "--env", "local", "--state-dir", stateDirectory];
        if (args[0] == "migrate") bound = [.. bound, "--work-dir", WorkDirectory];
        var exit = await root.Parse(bound).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new ProvisionerResult(exit, output.ToString(), error.ToString());
    }

    public Task<string> PleskAsync(string sql) => stack.MariaDbAdminAsync(stack.Plesk, sql);

    public Task<string> TargetAsync(string sql) => stack.MariaDbAdminAsync(stack.MariaDb, sql);

    /// <summary>An empty mo_votes on the Plesk replica with only the privileges the plan gives its user (as the AppHost seeds it).</summary>
    public async Task ResetSourceAsync()
    {
        await PleskAsync("SET GLOBAL general_log = OFF; TRUNCATE mysql.general_log; DROP DATABASE IF EXISTS mo_votes; CREATE DATABASE mo_votes; " +
                         string.Concat(SourceAccounts.Select(a => $"REVOKE SHOW VIEW, TRIGGER, EVENT, CREATE ROUTINE, ALTER ROUTINE, EXECUTE ON `mo\\_votes`.* FROM {a}; ")) + "SELECT 1");
        await stack.ResetAsync();
        // The stack's own estate has mo_votes on plesk, so its reset leaves the migrated copy on the target.
        await TargetAsync("DROP DATABASE IF EXISTS mo_votes");
    }

    /// <summary>The read privileges a complete dump needs, granted on the Plesk host as its admin would (the plan's list lacks them).</summary>
    public Task GrantDumpPrivilegesAsync() =>
        PleskAsync(string.Concat(SourceAccounts.Select(a => $"GRANT SHOW VIEW, TRIGGER, EVENT, CREATE ROUTINE, ALTER ROUTINE, EXECUTE ON `mo\\_votes`.* TO {a}; ")) + "SELECT 1");

    /// <summary>A fingerprint of the source (CHECKSUM TABLE on the same server, the object list): equal before and after means untouched.</summary>
    public async Task<string> SourceFingerprintAsync()
    {
        var tables = (await PleskAsync("SELECT GROUP_CONCAT(CONCAT('mo_votes.`', TABLE_NAME, '`')) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mo_votes' AND TABLE_TYPE = 'BASE TABLE'")).Trim();
        var checksums = await PleskAsync($"CHECKSUM TABLE {tables} EXTENDED");
        var objects = await PleskAsync("SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mo_votes' " +
                                       "UNION ALL SELECT GROUP_CONCAT(TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'mo_votes' " +
                                       "UNION ALL SELECT GROUP_CONCAT(ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'mo_votes'");
        return checksums + objects;
    }

    /// <summary>Restores the Plesk replica's grants to the seeded state and removes the scratch files.</summary>
    public async Task CleanUpAsync()
    {
        await ResetSourceAsync();
        Directory.Delete(WorkDirectory, recursive: true);
    }
}
