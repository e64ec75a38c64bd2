using System.Text.Json;
using System.Text.RegularExpressions;
using Rollout.Provisioner.Tests.Infrastructure;

namespace Rollout.Provisioner.Tests.Migration;

/// <summary>The done-when scenario of issue 12: mo_votes moves from the Plesk replica to the external MariaDB, proven equal, and back.</summary>
[Collection(StackCollection.Name)]
public sealed partial class MigrationScenarioTests(ProvisionerStack stack) : IAsyncLifetime
{
    private readonly MigrationEstate _estate = new(stack);

    public async Task InitializeAsync()
    {
        await _estate.ResetSourceAsync();
        await _estate.PleskAsync(SourceSeed.VotingSystem);
    }

    public Task DisposeAsync() => _estate.CleanUpAsync();

    // Anything but a read: the Plesk host must never receive DDL, DCL or writes from the migration.
    [GeneratedRegex(@"^\s*(/\*!\d*\s*)?(INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|TRUNCATE|RENAME|GRANT|REVOKE|LOCK|FLUSH|CALL|LOAD|HANDLER|DO)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Write();

    [Fact]
    public async Task Mo_votes_moves_from_the_Plesk_replica_verified_a_changed_row_is_named_the_source_only_read_and_rollback_restores_the_settings()
    {
        await _estate.GrantDumpPrivilegesAsync();
        var plan = await _estate.RunAsync("plan");
        Assert.True(plan.ExitCode == 2, plan.All);
        Assert.Contains("~ migrate mo_votes: plesk → external-mariadb as svc_votes", plan.Out);
        Assert.Contains("CREATE DATABASE IF NOT EXISTS `mo_votes`", plan.Out);
        var apply = await _estate.RunAsync("apply");
        Assert.True(apply.ExitCode == 0, apply.All);

        var before = await _estate.SourceFingerprintAsync();
        await _estate.PleskAsync("SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = ON");
        var migrate = await _estate.RunAsync("migrate", "mo_votes", "--chunk-size", "1000");
        await _estate.PleskAsync("SET GLOBAL general_log = OFF");
        Assert.True(migrate.ExitCode == 0, migrate.All);
        Assert.Contains("warning: table mo_votes.audit_log has no primary key: it is verified by a whole-table checksum", migrate.Out);
        Assert.Contains("votes: 2500 rows, 3 chunk(s), equal", migrate.Out);
        Assert.Equal(before, await _estate.SourceFingerprintAsync());

        // The migration's sessions on the Plesk replica (as svc_votes) sent reads only, and did read (dump and checksums).
        var log = (await _estate.PleskAsync(
                "SELECT REPLACE(REPLACE(argument, '\\n', ' '), '\\t', ' ') FROM mysql.general_log WHERE command_type = 'Query' AND thread_id IN " +
                "(SELECT thread_id FROM mysql.general_log WHERE command_type = 'Connect' AND argument LIKE 'svc_votes@%')"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(log, l => l.Contains("BIT_XOR(CAST(CRC32(CONCAT_WS('#'", StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith("SELECT /*!40001 SQL_NO_CACHE */", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => Write().IsMatch(l));

        // The copy: data, definers rewritten to the target's service user, and the objects work there.
        Assert.Equal("😀🎉👍🏽", (await _estate.TargetAsync("SET NAMES utf8mb4; SELECT emoji FROM mo_votes.ballots WHERE id = 1")).Trim());
        Assert.Equal("svc_votes@127.0.0.1", (await _estate.TargetAsync("SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'mo_votes'")).Trim());
        Assert.Equal("625", (await _estate.TargetAsync("SELECT voters FROM mo_votes.ballot_totals WHERE ballot_id = 2")).Trim());
        // The plan's grant list lacks EXECUTE and TRIGGER: the service user's function and trigger would be denied, and preflight says so.
        Assert.Contains("warning: svc_votes has no EXECUTE on external-mariadb.mo_votes (grants.mariadb in rollout.yaml): function ballot_count will be denied", migrate.Out);
        Assert.Contains("warning: svc_votes has no TRIGGER on external-mariadb.mo_votes", migrate.Out);

        // Report: every table's counts and checksums, equal.
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(Directory.GetFiles(_estate.WorkDirectory, "mo_votes.migrate.*.json").Single())).RootElement;
        Assert.True(json.GetProperty("equal").GetBoolean());
        var tables = json.GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("table").GetString()!);
        Assert.Equal(["audit_log", "ballots", "legacy", "votes"], tables.Keys.Order());
        // The latin1 table was converted to the declared collation (TEXT widened to MEDIUMTEXT) and still compares equal by its characters.
        Assert.Contains("converted legacy: latin1_swedish_ci → utf8mb4_unicode_ci", migrate.Out);
        Assert.Equal("utf8mb4_unicode_ci\tmediumtext", (await _estate.TargetAsync("SELECT COLLATION_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'mo_votes' AND TABLE_NAME = 'legacy' AND COLUMN_NAME = 'body'")).Trim());
        Assert.Equal(2500, tables["votes"].GetProperty("targetRows").GetInt64());
        Assert.Equal(tables["ballots"].GetProperty("sourceChecksum").GetString(), tables["ballots"].GetProperty("targetChecksum").GetString());
        Assert.StartsWith("whole-table checksum", tables["audit_log"].GetProperty("method").GetString());
        Assert.Single(Directory.GetFiles(_estate.WorkDirectory, "mo_votes.migrate.*.md"));
        var settings = Rollout.Provisioner.Migration.ConnectionSettings.Read(Path.Combine(_estate.WorkDirectory, "mo_votes.connection.env"));
        Assert.Equal("external-mariadb", settings["MO_VOTES_DB_SERVER"]);
        Assert.Equal(stack.MariaDb.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), settings["MO_VOTES_DB_PORT"]);

        var equal = await _estate.RunAsync("migrate", "mo_votes", "--verify-only");
        Assert.True(equal.ExitCode == 0, equal.All);

        // A row changed by hand on the target, one row added to the table without a key, a trigger gone: all found and named.
        await _estate.TargetAsync("UPDATE mo_votes.votes SET choice = 9 WHERE ballot_id = 3 AND voter = 'voter01502'; INSERT INTO mo_votes.audit_log VALUES (NOW(), 'late'); " +
                                  "DROP TRIGGER mo_votes.votes_audit");
        var changed = await _estate.RunAsync("migrate", "mo_votes", "--verify-only");
        Assert.Equal(1, changed.ExitCode);
        Assert.Matches(@"table votes, key \(ballot_id, voter\) > \(\d, voter\d+\)( and ≤ \(\d, voter\d+\))?: source \d+ rows, target \d+ rows, checksums differ \(row ballot_id=3, voter=voter01502 changed\)", changed.Error);
        Assert.Contains("table audit_log, whole table (no primary key, so no key range can be named): source 3 rows, target 4 rows", changed.Error);
        Assert.Contains("schema: only on source: trigger votes_audit: votes | AFTER | INSERT", changed.Error);

        var rollback = await _estate.RunAsync("migrate", "mo_votes", "--rollback");
        Assert.True(rollback.ExitCode == 0, rollback.All);
        settings = Rollout.Provisioner.Migration.ConnectionSettings.Read(Path.Combine(_estate.WorkDirectory, "mo_votes.connection.env"));
        Assert.Equal("plesk", settings["MO_VOTES_DB_SERVER"]);
        Assert.Equal(stack.Plesk.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), settings["MO_VOTES_DB_PORT"]);
        Assert.Equal(before, await _estate.SourceFingerprintAsync());
    }
}
