using System.Text.Json.Nodes;
using Rollout.AppHost.Local.Templates;

namespace Rollout.AppHost.Tests.Lifecycle;

/// <summary>The template cache's store rules (atomic entries, races, stale and foreign entries), with a small real template.</summary>
public sealed class TemplateCacheStoreTests
{
    private static readonly DataDirectoryTemplate Template = new("sample", DataDirectoryTemplate.KeyOf(("engine", "sample")), async (directory, ct) =>
    {
        Directory.CreateDirectory(Path.Combine(directory, "base"));
        await File.WriteAllTextAsync(Path.Combine(directory, "base", "1"), "pristine", ct);
    });

    [Fact]
    public async Task Concurrent_starts_storing_the_same_template_end_with_one_complete_entry()
    {
        using var root = new TemporaryDirectory();
        var cache = new TemplateCache(Path.Combine(root.Path, "cache"));
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            var built = await BuildAsync(root.Path, $"built-{i}");
            return await cache.PublishAsync(Template, built, Path.Combine(root.Path, "log"), CancellationToken.None);
        }));

        Assert.Single(results.Distinct());
        Assert.Equal(results[0], cache.TryGet(Template));
        Assert.Equal([Template.EntryName], Directory.GetDirectories(cache.Root).Select(Path.GetFileName));
        Assert.Equal("pristine", await File.ReadAllTextAsync(Path.Combine(results[0], "base", "1")));
    }

    [Fact]
    public async Task An_entry_for_another_key_is_discarded_not_used()
    {
        using var root = new TemporaryDirectory();
        var cache = new TemplateCache(Path.Combine(root.Path, "cache"));
        await cache.PublishAsync(Template, await BuildAsync(root.Path, "built"), Path.Combine(root.Path, "log"), CancellationToken.None);
        var marker = Path.Combine(cache.EntryPath(Template), TemplateCache.MarkerFileName);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(marker))!;
        json["Key"] = Template.Key + "version=other\n";
        await File.WriteAllTextAsync(marker, json.ToJsonString());

        Assert.Null(cache.TryGet(Template));
        Assert.False(Directory.Exists(cache.EntryPath(Template)));
    }

    [Fact]
    public async Task Staging_directories_of_dead_starts_are_removed_and_those_of_live_ones_kept()
    {
        using var root = new TemporaryDirectory();
        var cache = new TemplateCache(Path.Combine(root.Path, "cache"));
        var dead = Directory.CreateDirectory(Path.Combine(cache.Root, ".tmp-2147483646-0123")).FullName;
        var live = Directory.CreateDirectory(Path.Combine(cache.Root, $".tmp-{Environment.ProcessId}-0123")).FullName;

        await cache.PublishAsync(Template, await BuildAsync(root.Path, "built"), Path.Combine(root.Path, "log"), CancellationToken.None);

        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(live));
        Assert.NotNull(cache.TryGet(Template));
    }

    private static async Task<string> BuildAsync(string root, string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
        await Template.BuildAsync(directory, CancellationToken.None);
        return directory;
    }
}
