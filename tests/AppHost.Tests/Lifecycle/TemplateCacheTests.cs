using System.Text;
using MySqlConnector;
using Npgsql;
using Rollout.AppHost.Local;
using Rollout.AppHost.Local.MariaDb;
using Rollout.AppHost.Local.Templates;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Tests.Lifecycle;

/// <summary>The per-user cache of pristine data directories (mariadb-install-db / initdb output), on real servers.</summary>
[Collection(SoloCollection.Name)]
public sealed class TemplateCacheTests
{
    private static readonly string[] Servers = ["plesk", "external-mariadb", "external-postgres"];

    [Fact]
    public async Task A_cold_start_fills_the_cache_the_next_copies_it_with_new_secrets_and_a_corrupt_entry_is_rebuilt()
    {
        using var cache = new TemporaryDirectory();
        using var firstState = new TemporaryDirectory();
        var first = await StartAndCollectAsync(cache.Path, firstState.Path);
        var entries = Directory.GetDirectories(cache.Path).Select(Path.GetFileName).Order().ToList();
        Assert.Collection(entries, e => Assert.StartsWith("mariadb-", e), e => Assert.StartsWith("postgresql-", e));
        Assert.Contains("stored in the cache", ReadLogs(firstState.Path));
        var markers = entries.ToDictionary(e => e!, e => File.GetLastWriteTimeUtc(Path.Combine(cache.Path, e!, TemplateCache.MarkerFileName)));

        using var secondState = new TemporaryDirectory();
        var second = await StartAndCollectAsync(cache.Path, secondState.Path);
        // Used, not rebuilt: no install-db/initdb ran, the entries are untouched, the logs say so.
        Assert.False(File.Exists(Path.Combine(secondState.Path, "logs", "mariadb-install-db.log")));
        var logs = ReadLogs(secondState.Path);
        Assert.Contains("template mariadb: copied from the cache", logs);
        Assert.Contains("template postgresql: copied from the cache", logs);
        Assert.DoesNotContain("The files belonging to this database system", logs);
        foreach (var (entry, written) in markers)
            Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(cache.Path, entry, TemplateCache.MarkerFileName)));
        // Fresh secrets per state directory, as without the cache.
        Assert.NotEqual(first.CaCertificate, second.CaCertificate);
        foreach (var server in Servers) Assert.NotEqual(first.AdminPasswords[server], second.AdminPasswords[server]);

        // No secret of either state directory is in the cache: passwords, their hashes, the CA key.
        var cached = ReadAllBytes(cache.Path);
        foreach (var secret in first.Secrets.Concat(second.Secrets))
        {
            Assert.False(Contains(cached, secret), "a password of the state directory is in the template cache");
            Assert.False(Contains(cached, MariaDbNativePassword.Hash(new Secret(secret))), "a password hash is in the template cache");
        }
        Assert.False(Contains(cached, "SCRAM-SHA-256$"), "a SCRAM verifier is in the template cache");
        Assert.False(Contains(cached, "PRIVATE KEY"), "a private key is in the template cache");

        // A half-written MariaDB entry (a file cut short) and a PostgreSQL entry without its marker are rebuilt, not used.
        var mariadb = Path.Combine(cache.Path, entries[0]!, TemplateCache.DataDirectoryName);
        var victim = Directory.GetFiles(Path.Combine(mariadb, "mysql"), "*.MAI").First();
        await File.WriteAllBytesAsync(victim, []);
        File.Delete(Path.Combine(cache.Path, entries[1]!, TemplateCache.MarkerFileName));
        using var thirdState = new TemporaryDirectory();
        await StartAndCollectAsync(cache.Path, thirdState.Path);
        var rebuilt = ReadLogs(thirdState.Path);
        Assert.Contains("template mariadb: built", rebuilt);
        Assert.Contains("template postgresql: built", rebuilt);
        Assert.True(new FileInfo(victim).Length > 0, "the cut-short file was not replaced");
        Assert.True(File.Exists(Path.Combine(cache.Path, entries[1]!, TemplateCache.MarkerFileName)));
        Assert.Equal(entries, Directory.GetDirectories(cache.Path).Select(Path.GetFileName).Order().ToList());
    }

    [Fact]
    public async Task A_cache_that_cannot_be_written_fails_the_start_naming_the_way_out()
    {
        using var state = new TemporaryDirectory();
        using var elsewhere = new TemporaryDirectory();
        var blocker = Path.Combine(elsewhere.Path, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => EstateTestHost.StartAsync(new EstateTestOptions
        {
            TemplateCache = Path.Combine(blocker, "templates"),
            StateDirectory = state.Path,
        }));
        Assert.Contains("Cannot store the", error.ToString());
        Assert.Contains("--no-template-cache", error.ToString());
    }

    [Fact]
    public void The_cache_is_per_user_overridable_and_can_be_disabled()
    {
        Assert.Null(TemplateCache.Resolve("/tmp/anywhere", disabled: true));
        Assert.Equal("/tmp/anywhere", TemplateCache.Resolve("/tmp/anywhere", disabled: false)!.Root);
        if (Environment.GetEnvironmentVariable(TemplateCache.EnvironmentVariable) is null && Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is null)
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "rollout", "templates"),
                TemplateCache.Resolve(null, disabled: false)!.Root);
    }

    private sealed record Collected(string CaCertificate, IReadOnlyDictionary<string, string> AdminPasswords, IReadOnlyList<string> Secrets);

    /// <summary>Starts a stack (cold: new state directory), checks the admin logins work, and returns its secrets.</summary>
    private static async Task<Collected> StartAndCollectAsync(string cache, string state)
    {
        await using var stack = await EstateTestHost.StartAsync(new EstateTestOptions { TemplateCache = cache, StateDirectory = state });
        var passwords = new Dictionary<string, string>();
        foreach (var server in Servers)
            passwords[server] = (await stack.Secrets.GetAsync(LocalSecretNames.AdminPassword(server), CancellationToken.None))!.Reveal();
        await using (var postgres = (NpgsqlConnection)DatabaseConnectionFactory.Admin(stack.Endpoint("external-postgres"), options: new ConnectionOptions(Pooling: false)))
        {
            await postgres.OpenAsync();
            await using var command = new NpgsqlCommand("CREATE DATABASE template_probe", postgres);
            await command.ExecuteNonQueryAsync();
        }
        await using (var mariadb = (MySqlConnection)DatabaseConnectionFactory.Admin(stack.Endpoint("external-mariadb"), options: new ConnectionOptions(Pooling: false)))
        {
            await mariadb.OpenAsync();
            await using var command = new MySqlCommand("CREATE DATABASE template_probe", mariadb);
            await command.ExecuteNonQueryAsync();
        }
        var secrets = new List<string>();
        foreach (var name in await stack.Secrets.NamesAsync(CancellationToken.None))
            secrets.Add((await stack.Secrets.GetAsync(name, CancellationToken.None))!.Reveal());
        return new Collected(await File.ReadAllTextAsync(stack.CaCertificatePath), passwords, secrets);
    }

    private static string ReadLogs(string state) =>
        string.Join('\n', Directory.GetFiles(Path.Combine(state, "logs")).Select(File.ReadAllText));

    private static List<byte[]> ReadAllBytes(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList();

    private static bool Contains(List<byte[]> files, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return files.Any(f => f.AsSpan().IndexOf(needle) >= 0);
    }
}
