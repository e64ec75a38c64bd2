using Sodium;

namespace Rollout.GitHubStandIn;

internal sealed class StandInRepository(string owner, string name, long id)
{
    public string Owner { get; } = owner;
    public string Name { get; } = name;
    public long Id { get; } = id;
    public Dictionary<string, StandInEnvironment> Environments { get; } = new(StringComparer.OrdinalIgnoreCase);
}

internal sealed class StandInEnvironment(string name, long id, KeyPair keyPair, string keyId, DateTimeOffset createdAt)
{
    public string Name { get; } = name;
    public long Id { get; } = id;
    public KeyPair KeyPair { get; } = keyPair;
    public string KeyId { get; } = keyId;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public DateTimeOffset UpdatedAt { get; set; } = createdAt;
    public List<(string Type, long Id)> Reviewers { get; } = [];
    public IEnumerable<long> ReviewerIds => Reviewers.Select(r => r.Id);
    public Dictionary<string, StoredSecret> Secrets { get; } = new(StringComparer.Ordinal);
}

internal sealed record StoredSecret(string Name, string Plaintext, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
