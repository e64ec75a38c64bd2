using Octokit;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Secrets.GitHub;

/// <summary>
/// The secrets of one environment as GitHub environment secrets. Creates the environment if missing
/// (with the required reviewers of rollout.yaml), encrypts each value as a sealed box for the
/// environment's public key and writes only secrets whose value or remote timestamp changed since the
/// last sync (see <see cref="GitHubSyncRecord"/>).
/// </summary>
public sealed class GitHubEnvironmentTarget(GitHubEnvironmentApi api, GithubEnvironmentSpec spec, string stateDirectory) : ISecretTarget
{
    public string Description => $"GitHub environment '{spec.Environment}' of {api.Owner}/{api.Repository}";

    /// <summary>What happens (or happened) to the environment itself: create, update reviewers, unchanged.</summary>
    public string EnvironmentAction { get; private set; } = "";

    public async Task<IReadOnlyList<PlannedSecretWrite>> PlanAsync(IReadOnlyList<NamedSecret> secrets, CancellationToken cancellationToken)
    {
        await api.EnsureRepositoryAsync(cancellationToken);
        var (environment, reviewers) = await ReadEnvironmentAsync(cancellationToken);
        EnvironmentAction = DescribeEnvironmentChange(environment, reviewers, planned: true);
        if (environment is null)
            return secrets.Select(s => new PlannedSecretWrite(s.Name, SecretChange.Create, "environment does not exist yet")).ToList();
        var remote = await api.ListSecretsAsync(spec.Environment, cancellationToken);
        var record = await LoadRecordAsync(cancellationToken);
        return secrets.Select(s => Compare(s, remote, record)).ToList();
    }

    public async Task<IReadOnlyList<PlannedSecretWrite>> WriteAsync(IReadOnlyList<NamedSecret> secrets, CancellationToken cancellationToken)
    {
        var written = new List<string>();
        try
        {
            await api.EnsureRepositoryAsync(cancellationToken);
            var (environment, reviewers) = await ReadEnvironmentAsync(cancellationToken);
            EnvironmentAction = DescribeEnvironmentChange(environment, reviewers, planned: false);
            if (NeedsPut(environment, reviewers))
                await api.PutEnvironmentAsync(spec.Environment, reviewers, cancellationToken);

            var remote = await api.ListSecretsAsync(spec.Environment, cancellationToken);
            var record = await LoadRecordAsync(cancellationToken);
            var plan = secrets.Select(s => Compare(s, remote, record)).ToList();
            if (plan.All(p => p.Change == SecretChange.Unchanged)) return plan;

            var key = await api.GetPublicKeyAsync(spec.Environment, cancellationToken);
            foreach (var write in plan.Where(p => p.Change != SecretChange.Unchanged))
            {
                var secret = secrets.First(s => s.Name == write.Name);
                await api.PutSecretAsync(spec.Environment, secret.Name, SealedBox.Encrypt(secret.Value, key.Key), key.KeyId, cancellationToken);
                written.Add(secret.Name);
                // The timestamp GitHub gives the write is what a later sync compares against.
                var stored = await api.GetSecretAsync(spec.Environment, secret.Name, cancellationToken);
                await record.RecordAsync(secret.Name, secret.Value, stored.UpdatedAt, cancellationToken);
            }
            return plan;
        }
        catch (GitHubAccessException e)
        {
            var notWritten = secrets.Select(s => s.Name).Except(written).ToList();
            throw new SecretWriteException(Description, written, notWritten, e.Message, e);
        }
    }

    private async Task<(GitHubEnvironmentResponse? Environment, IReadOnlyList<ResolvedReviewer> Reviewers)> ReadEnvironmentAsync(CancellationToken cancellationToken)
    {
        var environment = await api.GetEnvironmentAsync(spec.Environment, cancellationToken);
        var reviewers = new List<ResolvedReviewer>();
        foreach (var name in spec.RequiredReviewers)
            reviewers.Add(await api.ResolveReviewerAsync(name, cancellationToken));
        return (environment, reviewers);
    }

    // rollout.yaml is authoritative for reviewers it names; an environment it gives none keeps whatever protection it has.
    private static bool NeedsPut(GitHubEnvironmentResponse? environment, IReadOnlyList<ResolvedReviewer> reviewers) =>
        environment is null || (reviewers.Count > 0 && !environment.ReviewerIds.SetEquals(reviewers.Select(r => r.Id)));

    private string DescribeEnvironmentChange(GitHubEnvironmentResponse? environment, IReadOnlyList<ResolvedReviewer> reviewers, bool planned)
    {
        var gate = reviewers.Count == 0 ? "no required reviewers" : "required reviewers: " + string.Join(", ", reviewers);
        var verb = planned ? "would " : "";
        return environment is null ? $"environment '{spec.Environment}': {verb}create ({gate})"
            : NeedsPut(environment, reviewers) ? $"environment '{spec.Environment}': {verb}update ({gate})"
            : $"environment '{spec.Environment}': unchanged ({gate})";
    }

    private Task<GitHubSyncRecord> LoadRecordAsync(CancellationToken cancellationToken) =>
        GitHubSyncRecord.LoadAsync(stateDirectory, api.BaseAddress, $"{api.Owner}/{api.Repository}", spec.Environment, cancellationToken);

    private static PlannedSecretWrite Compare(NamedSecret secret, IReadOnlyDictionary<string, RepositorySecret> remote, GitHubSyncRecord record)
    {
        if (!remote.TryGetValue(secret.Name, out var onGitHub))
            return new(secret.Name, SecretChange.Create, "not on GitHub");
        var entry = record.Find(secret.Name);
        if (entry is null)
            return new(secret.Name, SecretChange.Update, "on GitHub, but not synced from this state directory (value unknown)");
        if (!record.Matches(entry, secret.Value))
            return new(secret.Name, SecretChange.Update, "value changed since the last sync");
        if (entry.UpdatedAt != onGitHub.UpdatedAt)
            return new(secret.Name, SecretChange.Update, $"changed on GitHub since the last sync (updated_at {onGitHub.UpdatedAt:u})");
        return new(secret.Name, SecretChange.Unchanged, "same value as the last sync, not changed on GitHub since");
    }
}
