using System.Text.Json;
using Rollout.Backup.Manifests;
using Rollout.Backup.Scheduling;
using Rollout.Backup.Tests.Infrastructure;

namespace Rollout.Backup.Tests;

/// <summary>The whole path on the local estate: back up every database, list, restore-test green, restore with and without --force.</summary>
[Collection(BackupCollection.Name)]
public sealed class BackupRoundTripTests(BackupStack stack)
{
    [Fact]
    public async Task Backs_up_every_database_and_every_restore_test_is_green()
    {
        var run = await stack.BackupAsync("run", "--tier", "daily");
        Assert.True(run.Exit == 0, run.All);
        var backedUp = stack.Estate.Databases.Where(d => d.ServerName != "plesk" && (!d.Optional || d.Name is "mo_analytics" or "mo_discourse")).Select(d => d.Name).ToList();
        foreach (var database in backedUp) Assert.Contains($"backed up {database} (daily)", run.Output);

        var list = await stack.BackupAsync("list");
        Assert.Equal(0, list.Exit);
        foreach (var database in backedUp) Assert.Contains(database, list.Output);

        var test = await stack.BackupAsync("restore-test");
        Assert.True(test.Exit == 0, test.All);
        foreach (var database in backedUp) Assert.Contains($"restore-test {database} (", test.Output);

        // The monitoring file: one line per database and tier, written atomically next to the repository.
        var prom = await File.ReadAllTextAsync(Path.Combine(stack.StateDirectory, "backup", LastSuccessFile.PrometheusName));
        Assert.Contains($"{LastSuccessFile.Metric}{{database=\"mo_crm\",tier=\"daily\"}}", prom);
        var json = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, DateTimeOffset>>>(
            await File.ReadAllTextAsync(Path.Combine(stack.StateDirectory, "backup", LastSuccessFile.JsonName)))!;
        Assert.True(json["mo_idp"]["daily"] > DateTimeOffset.UtcNow.AddMinutes(-10));
    }

    [Fact]
    public async Task The_manifest_holds_versions_row_counts_and_the_programmable_objects()
    {
        var state = stack.CopyStateDirectory();
        Assert.Equal(0, (await stack.BackupInAsync(state, null, "run", "--database", SeedData.MariaDbDatabase)).Exit);
        var context = await Cli.BackupContext.LoadAsync(new Cli.CommonValues("local", stack.Estate.SourcePath, state),
            new Cli.CommandIo(TextWriter.Null, TextWriter.Null, _ => null, "/"), default);
        var catalog = await Running.BackupCatalog.ReadAsync(context.Repository, default);
        var manifest = await catalog.ManifestAsync(catalog.Good(SeedData.MariaDbDatabase).Single(), default);
        Assert.StartsWith("10.11", manifest.ServerVersion);
        Assert.Contains("mariadb-dump", manifest.DumpTool);
        Assert.Contains("restic 0.14", manifest.ResticVersion);
        Assert.True(manifest.DumpBytes > 1000);
        Assert.Equal(SeedData.ContactRows, manifest.Content.Tables.Single(t => t.Name == "contacts").Rows);
        Assert.Equal(SeedData.ContactRows, manifest.Content.Tables.Single(t => t.Name == "audit").Rows);
        Assert.Equal(["rich_contacts"], manifest.Content.Views);
        Assert.Equal(["contacts_audit"], manifest.Content.Triggers);
        Assert.Equal(["FUNCTION contact_count", "PROCEDURE add_contact"], manifest.Content.Routines);
        Assert.Equal(["purge_audit"], manifest.Content.Events);
    }

    [Fact]
    public async Task Restore_refuses_an_existing_target_without_force_and_replaces_it_with_force()
    {
        var state = stack.CopyStateDirectory();
        Assert.Equal(0, (await stack.BackupInAsync(state, null, "run", "--database", SeedData.PostgreSqlDatabase)).Exit);
        var first = await stack.BackupInAsync(state, null, "restore", "--database", SeedData.PostgreSqlDatabase, "--to", "restored_idp");
        Assert.True(first.Exit == 0, first.All);

        var again = await stack.BackupInAsync(state, null, "restore", "--database", SeedData.PostgreSqlDatabase, "--to", "restored_idp");
        Assert.Equal(3, again.Exit);
        Assert.Contains("restore target 'restored_idp' on external-postgres exists", again.Error);
        Assert.Contains("--force", again.Error);

        var forced = await stack.BackupInAsync(state, null, "restore", "--database", SeedData.PostgreSqlDatabase, "--to", "restored_idp", "--force");
        Assert.True(forced.Exit == 0, forced.All);
        var engine = new Engines.PostgreSqlBackupEngine();
        var endpoint = stack.Endpoint(BackupStack.PostgreSqlServer);
        var restored = await engine.ReadContentAsync(endpoint, "restored_idp", default);
        Assert.Equal(4, restored.Tables.Single(t => t.Name == "public.accounts").Rows);
        await engine.DropAsync(endpoint, "restored_idp", default);
    }

    [Fact]
    public async Task Restore_test_exits_non_zero_naming_the_table_when_the_restore_differs_from_the_manifest()
    {
        var state = stack.CopyStateDirectory();
        Assert.Equal(0, (await stack.BackupInAsync(state, null, "run", "--database", SeedData.MariaDbDatabase)).Exit);
        // The manifest says the backup held one contact more than the dump does: what a dump that silently lost rows looks like.
        var repository = (await Repositories.ContextAsync(stack, state)).Repository;
        var catalog = await Running.BackupCatalog.ReadAsync(repository, default);
        var backup = catalog.Good(SeedData.MariaDbDatabase).Single();
        var manifest = await catalog.ManifestAsync(backup, default);
        var doctored = manifest with
        {
            Content = manifest.Content with { Tables = [.. manifest.Content.Tables.Select(t => t.Name == "contacts" ? t with { Rows = t.Rows + 1 } : t)] },
        };
        await repository.ForgetAsync([backup.ManifestSnapshot!.Id], default);
        using (var store = Repository.ToolProcess.Start("restic", repository.Arguments(["backup", "--stdin", "--stdin-filename", $"{SeedData.MariaDbDatabase}.manifest.json",
                   "--host", "rollout-local", "--tag", string.Join(',', backup.ManifestSnapshot.Tags!)]), repository.Environment, redirectInput: true))
        {
            await store.StandardInput.WriteAsync(doctored.ToJson());
            store.StandardInput.Close();
            await store.StandardOutput.ReadToEndAsync();
            await store.WaitForExitAsync();
            Assert.Equal(0, store.ExitCode);
        }

        var test = await stack.BackupInAsync(state, null, "restore-test", "--database", SeedData.MariaDbDatabase);

        Assert.Equal(1, test.Exit);
        Assert.Contains($"FAILED restore-test {SeedData.MariaDbDatabase} ({backup.Dump.ShortId}): table contacts: {SeedData.ContactRows} rows restored, the backup had {SeedData.ContactRows + 1}", test.Error);
        Assert.DoesNotContain("table audit", test.Error);
    }

    [Fact]
    public async Task A_restore_that_differs_from_the_manifest_names_the_table()
    {
        var expected = new DatabaseContent([new TableChecksum("contacts", 5, "1:2"), new TableChecksum("audit", 5, "3:4")], ["v"], ["t"], ["PROCEDURE p"], []);
        var actual = expected with { Tables = [new TableChecksum("contacts", 5, "1:9"), new TableChecksum("audit", 4, "3:4")], Routines = [] };
        var differences = ManifestComparer.Differences(expected, actual);
        Assert.Contains(differences, d => d.StartsWith("table contacts: content checksum differs", StringComparison.Ordinal));
        Assert.Contains("table audit: 4 rows restored, the backup had 5", differences);
        Assert.Contains("routine PROCEDURE p: missing after restore", differences);
        Assert.Equal(3, differences.Count);
    }
}
