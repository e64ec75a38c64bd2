using Rollout.Backup.Repository;
using Rollout.Topology.Model;

namespace Rollout.Backup.Tests;

/// <summary>A repository opened with a key that is not its own is named as that, never "created" again over the old one.</summary>
public sealed class RepositoryKeyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rollout-repository-key-").FullName;

    [Fact]
    public async Task A_key_that_does_not_open_an_existing_repository_is_the_reported_cause()
    {
        var location = Path.Combine(_directory, "repository");
        var cache = Path.Combine(_directory, "cache");
        await new ResticRepository(location, new Secret("first-key-" + Guid.NewGuid().ToString("N")), cache).EnsureInitialisedAsync(CancellationToken.None);
        var config = await File.ReadAllBytesAsync(Path.Combine(location, "config"));

        var other = new ResticRepository(location, new Secret("other-key-" + Guid.NewGuid().ToString("N")), cache);
        var error = await Assert.ThrowsAsync<BackupException>(() => other.EnsureInitialisedAsync(CancellationToken.None));

        Assert.Contains("wrong password or no key found: it exists, but the password given does not open it", error.Message);
        Assert.Contains(location, error.Message);
        Assert.Equal(config, await File.ReadAllBytesAsync(Path.Combine(location, "config")));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
