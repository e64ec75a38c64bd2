using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Tests;

public sealed class LocalSecretStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rollout-store-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Stores_values_in_a_file_only_the_owner_can_read()
    {
        var store = LocalSecretStore.InStateDirectory(_directory);
        await store.SetAsync("MO_CRM_DB_PASS", new Secret("first-value"), CancellationToken.None);
        await store.SetAsync("PG_IDP_DB_PASS", new Secret("second-value"), CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
        Assert.Equal("first-value", (await store.GetAsync("MO_CRM_DB_PASS", CancellationToken.None))!.Reveal());
        Assert.Null(await store.GetAsync("MO_N8N_DB_PASS", CancellationToken.None));
        Assert.Equal(["MO_CRM_DB_PASS", "PG_IDP_DB_PASS"], (await store.NamesAsync(CancellationToken.None)).Order());
        Assert.False(File.Exists(store.Path + ".tmp"));
    }

    [Fact]
    public async Task Many_values_are_read_and_written_in_one_pass_and_keep_the_others()
    {
        ISecretStore store = LocalSecretStore.InStateDirectory(_directory);
        await store.SetAsync("MO_CRM_DB_PASS", new Secret("kept-value"), CancellationToken.None);
        await store.SetManyAsync(new Dictionary<string, Secret> { ["PG_IDP_DB_PASS"] = new("idp-value"), ["MO_N8N_DB_PASS"] = new("n8n-value") }, CancellationToken.None);

        var found = await store.GetManyAsync(["MO_CRM_DB_PASS", "PG_IDP_DB_PASS", "MO_N8N_DB_PASS", "MO_WIKI_DB_PASS"], CancellationToken.None);
        Assert.Equal(["MO_CRM_DB_PASS", "MO_N8N_DB_PASS", "PG_IDP_DB_PASS"], found.Keys.Order());
        Assert.Equal("idp-value", found["PG_IDP_DB_PASS"].Reveal());
        Assert.Equal("kept-value", found["MO_CRM_DB_PASS"].Reveal());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(((LocalSecretStore)store).Path));
    }

    [Fact]
    public async Task A_corrupt_store_is_named_without_showing_its_content()
    {
        var path = Path.Combine(_directory, "secrets.json");
        await File.WriteAllTextAsync(path, "{ \"MO_CRM_DB_PASS\": \"leaky-value\"");
        var store = new LocalSecretStore(path);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("MO_CRM_DB_PASS", CancellationToken.None));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a valid secret store", e.Message);
        Assert.DoesNotContain("leaky-value", e.Message);
    }

    [Fact]
    public async Task Environment_variables_are_a_secret_source()
    {
        var source = new EnvironmentVariableSecretSource(name => name == "MO_CRM_DB_PASS" ? "from-env-value" : null);
        Assert.Equal("from-env-value", (await source.GetAsync("MO_CRM_DB_PASS", CancellationToken.None))!.Reveal());
        Assert.Null(await source.GetAsync("PG_IDP_DB_PASS", CancellationToken.None));
        var found = await ((ISecretSource)source).GetManyAsync(["MO_CRM_DB_PASS", "PG_IDP_DB_PASS"], CancellationToken.None);
        Assert.Equal("from-env-value", Assert.Single(found).Value.Reveal());
    }
}
