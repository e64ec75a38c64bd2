namespace Rollout.Provisioner.Secrets.GitHub;

// Shapes of the GitHub REST resources Octokit has no typed client for (environments with their
// protection rules). Octokit's serializer maps snake_case JSON onto these settable properties.

/// <summary>GET/PUT /repos/{owner}/{repo}/environments/{name}.</summary>
public sealed class GitHubEnvironmentResponse
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public IReadOnlyList<GitHubProtectionRule> ProtectionRules { get; set; } = [];

    /// <summary>Ids of the required reviewers (users and teams) configured on the environment.</summary>
    public IReadOnlySet<long> ReviewerIds => ProtectionRules
        .Where(r => r.Type == "required_reviewers")
        .SelectMany(r => r.Reviewers)
        .Select(r => r.Reviewer?.Id ?? 0)
        .Where(id => id != 0)
        .ToHashSet();
}

public sealed class GitHubProtectionRule
{
    public string Type { get; set; } = "";
    public IReadOnlyList<GitHubReviewerEntry> Reviewers { get; set; } = [];
}

public sealed class GitHubReviewerEntry
{
    public string Type { get; set; } = "";
    public GitHubReviewerAccount? Reviewer { get; set; }
}

public sealed class GitHubReviewerAccount
{
    public long Id { get; set; }
    public string? Login { get; set; }
    public string? Slug { get; set; }
}

/// <summary>Body of PUT /repos/{owner}/{repo}/environments/{name}: reviewers are users or teams by id.</summary>
public sealed class GitHubEnvironmentUpdate
{
    public IReadOnlyList<GitHubReviewerRequest>? Reviewers { get; set; }
}

public sealed class GitHubReviewerRequest
{
    public string Type { get; set; } = "";
    public long Id { get; set; }
}

/// <summary>A required reviewer named in rollout.yaml, resolved to its GitHub id.</summary>
public sealed record ResolvedReviewer(string Name, string Type, long Id)
{
    public override string ToString() => $"{Name} ({Type.ToLowerInvariant()})";
}
