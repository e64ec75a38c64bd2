using MySqlConnector;
using Rollout.Provisioner.Tests.Infrastructure;
using Rollout.ServiceDefaults.Local;

namespace Rollout.Provisioner.Tests.Migration;

/// <summary>Each fault of issue 12 made to happen on the local estate: a clear message, exit non-zero, the source untouched.</summary>
[Collection(StackCollection.Name)]
public sealed class MigrationFaultTests(ProvisionerStack stack) : IAsyncLifetime
{
    private readonly MigrationEstate _estate = new(stack);
    private string _sourceBefore = "";

    public async Task InitializeAsync()
    {
        await _estate.ResetSourceAsync();
        await _estate.PleskAsync(SourceSeed.VotingSystem);
        var apply = await _estate.RunAsync("apply");
        Assert.True(apply.ExitCode == 0, apply.All);
    }

    public Task DisposeAsync() => _estate.CleanUpAsync();

    private async Task<ProvisionerResult> MigrateAsync(params string[] extra)
    {
        _sourceBefore = await _estate.SourceFingerprintAsync();
        return await _estate.RunAsync(["migrate", "mo_votes", .. extra]);
    }

    private async Task AssertSourceUntouchedAsync() => Assert.Equal(_sourceBefore, await _estate.SourceFingerprintAsync());

    private async Task<string> TargetObjectsAsync() =>
        (await _estate.TargetAsync("SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mo_votes'")).Trim();

    [Fact]
    public async Task A_target_that_is_not_empty_is_refused_before_anything_is_copied()
    {
        await _estate.GrantDumpPrivilegesAsync();
        await _estate.TargetAsync("CREATE TABLE mo_votes.leftover (id INT PRIMARY KEY)");
        var result = await MigrateAsync();
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("preflight error: target external-mariadb.mo_votes is not empty (base table leftover): migrate copies into an empty database only", result.Out);
        Assert.Contains("error: preflight of mo_votes failed", result.Error);
        Assert.Equal("leftover", await TargetObjectsAsync());
        Assert.Empty(Directory.GetFiles(_estate.WorkDirectory, "*.sql"));
        await AssertSourceUntouchedAsync();
    }

    [Fact]
    public async Task A_source_account_that_cannot_see_views_triggers_and_events_is_refused_rather_than_losing_them()
    {
        var result = await MigrateAsync();
        Assert.Equal(1, result.ExitCode);
        Assert.True(result.Out.Contains("the source account svc_votes on plesk lacks SHOW VIEW, TRIGGER, EVENT on mo_votes", StringComparison.Ordinal), result.All);
        Assert.Equal("NULL", await TargetObjectsAsync());
        await AssertSourceUntouchedAsync();
    }

    [Fact]
    public async Task Rows_that_collide_under_the_target_collation_are_named_by_key_before_the_copy()
    {
        await _estate.GrantDumpPrivilegesAsync();
        await _estate.PleskAsync("SET NAMES utf8mb4; CREATE TABLE mo_votes.codes (id INT PRIMARY KEY, code VARCHAR(20) NOT NULL, UNIQUE KEY uq_code (code)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin; " +
                                 "INSERT INTO mo_votes.codes VALUES (1, 'fm2012'), (2, 'ｆm2012'), (3, 'other')");
        var result = await MigrateAsync();
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"collation collision in table mo_votes\.codes, unique index uq_code: rows with key \(id\) = (1 \| 2|2 \| 1) hold values .* equal under utf8mb4_unicode_ci", result.Out);
        Assert.Equal("NULL", await TargetObjectsAsync());
        await AssertSourceUntouchedAsync();
    }

    [Fact]
    public async Task A_definer_missing_on_the_target_is_refused_and_can_be_rewritten_to_the_service_user()
    {
        await _estate.GrantDumpPrivilegesAsync();
        await _estate.PleskAsync("CREATE DEFINER = `ghost`@`%` TRIGGER mo_votes.ballots_trim BEFORE INSERT ON mo_votes.ballots FOR EACH ROW SET NEW.title = TRIM(NEW.title)");
        var refused = await MigrateAsync();
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("definer ghost@% of trigger mo_votes.ballots_trim does not exist on external-mariadb: the objects would fail with error 1449 after the move", refused.Out);
        Assert.Equal("NULL", await TargetObjectsAsync());
        await AssertSourceUntouchedAsync();

        var rewritten = await MigrateAsync("--definers-to-service-user");
        Assert.True(rewritten.ExitCode == 0, rewritten.All);
        Assert.Equal("svc_votes@127.0.0.1", (await _estate.TargetAsync("SELECT DEFINER FROM information_schema.TRIGGERS WHERE TRIGGER_NAME = 'ballots_trim'")).Trim());
        await AssertSourceUntouchedAsync();
    }

    [Fact]
    public async Task A_connection_lost_during_the_restore_names_the_table_empties_the_target_and_leaves_the_source()
    {
        await _estate.GrantDumpPrivilegesAsync();
        // The test holds the target's global read lock, so the restore's first write waits where the test can find it and kill it.
        await using var locker = await AdminAsync();
        await using (var lockCommand = new MySqlCommand("FLUSH TABLES WITH READ LOCK", locker)) await lockCommand.ExecuteNonQueryAsync();
        var run = MigrateAsync();
        long? restore = null;
        for (var attempt = 0; attempt < 600 && restore is null && !run.IsCompleted; attempt++)
        {
            await using var find = new MySqlCommand(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = 'mo_votes' AND STATE LIKE 'Waiting for%lock%' AND ID <> CONNECTION_ID()", locker);
            restore = await find.ExecuteScalarAsync() is { } id ? Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture) : null;
            if (restore is null) await Task.Delay(50);
        }
        if (restore is null)
        {
            await using (var unlockFirst = new MySqlCommand("UNLOCK TABLES", locker)) await unlockFirst.ExecuteNonQueryAsync();
            Assert.Fail("the restore never waited on the target: " + (await run).All);
        }
        await using (var kill = new MySqlCommand($"KILL CONNECTION {restore}", locker)) await kill.ExecuteNonQueryAsync();
        await using (var unlock = new MySqlCommand("UNLOCK TABLES", locker)) await unlock.ExecuteNonQueryAsync();

        var result = await run;
        Assert.Equal(1, result.ExitCode);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(result.Error, @"restore into external-mariadb\.mo_votes failed at table \w+: ERROR \d+ .*(Lost connection|killed|gone away|unexpected eof)"), result.All);
        Assert.Contains("The partial copy on external-mariadb was removed", result.Error);
        Assert.Equal("NULL", await TargetObjectsAsync());
        Assert.Single(Directory.GetFiles(_estate.WorkDirectory, "mo_votes.source.sql")); // the backup is kept
        await AssertSourceUntouchedAsync();
    }

    [Fact]
    public async Task A_source_that_cannot_be_reached_is_named_with_its_address()
    {
        var state = stack.CopyStateDirectory();
        var port = ProvisionerStack.FreePort();
        await ProvisionerStack.MoveServerAsync(state, ProvisionerStack.PleskName, port);
        var result = await _estate.RunWithStateAsync(state, "migrate", "mo_votes", "--verify-only");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"server 'plesk' at 127.0.0.1:{port} is unreachable", result.Error);
    }

    [Theory]
    [InlineData("mo_crm", "databases.mo_crm has no migrateFrom")]
    [InlineData("mo_nothing", "database 'mo_nothing' is not in")]
    public async Task A_database_that_is_not_being_moved_is_invalid_input(string database, string expected)
    {
        var result = await _estate.RunAsync("migrate", database);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public async Task An_unknown_environment_is_invalid_input()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var io = new Rollout.Provisioner.Commands.CommandIo(output, error, _ => null, Path.GetDirectoryName(_estate.EstatePath)!);
        var exit = await Rollout.Provisioner.Commands.MigrateCommand.Create(io).Parse(["mo_votes", "--estate", _estate.EstatePath, "--env", "nowhere"]).InvokeAsync();
        Assert.Equal(3, exit);
        Assert.Contains("--env nowhere: no such environment", error.ToString());
    }

    private async Task<MySqlConnection> AdminAsync()
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)stack.MariaDb.Port,
            UserID = LocalSecretNames.AdminUser,
            Password = stack.MariaDb.AdminPassword.Reveal(),
            SslMode = MySqlSslMode.VerifyCA,
            SslCa = stack.CaFile,
            Pooling = false,
        };
        var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
