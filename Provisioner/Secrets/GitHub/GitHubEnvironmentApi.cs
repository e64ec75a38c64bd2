using Octokit;

namespace Rollout.Provisioner.Secrets.GitHub;

/// <summary>
/// The GitHub REST endpoints secrets sync uses, through Octokit: its typed clients where Octokit 14 has
/// them (repository, teams, users) and its ApiConnection for environments and environment secrets, which
/// Octokit has no typed client for. Authentication, JSON, error mapping and rate-limit info stay Octokit's.
/// </summary>
public sealed class GitHubEnvironmentApi
{
    private readonly GitHubClient _client;
    private readonly ApiConnection _api;

    public GitHubEnvironmentApi(string apiUrl, string token, string owner, string repository, TimeSpan maxRateLimitWait, TimeSpan requestTimeout)
    {
        Owner = owner;
        Repository = repository;
        _client = new GitHubClient(new ProductHeaderValue("rollout"), new InMemoryCredentials(token), new Uri(apiUrl));
        _client.SetRequestTimeout(requestTimeout);
        _api = new ApiConnection(_client.Connection);
        Call = new GitHubCall(_client.Connection.BaseAddress.ToString(), $"{owner}/{repository}", maxRateLimitWait);
    }

    public string Owner { get; }
    public string Repository { get; }
    public GitHubCall Call { get; }

    /// <summary>Base address Octokit actually talks to (it appends /api/v3/ for GitHub Enterprise hosts).</summary>
    public Uri BaseAddress => _client.Connection.BaseAddress;

    public Task EnsureRepositoryAsync(CancellationToken cancellationToken) =>
        Call.RunAsync($"GET repository {Owner}/{Repository}", () => _client.Repository.Get(Owner, Repository), cancellationToken);

    public async Task<GitHubEnvironmentResponse?> GetEnvironmentAsync(string environment, CancellationToken cancellationToken)
    {
        try
        {
            return await Call.RunAsync($"GET environment '{environment}'",
                () => _api.Get<GitHubEnvironmentResponse>(EnvironmentUri(environment)), cancellationToken);
        }
        catch (GitHubAccessException e) when (e.InnerException is NotFoundException)
        {
            return null;
        }
    }

    public Task<GitHubEnvironmentResponse> PutEnvironmentAsync(string environment, IReadOnlyList<ResolvedReviewer> reviewers, CancellationToken cancellationToken)
    {
        var body = new GitHubEnvironmentUpdate
        {
            Reviewers = reviewers.Count == 0 ? null : reviewers.Select(r => new GitHubReviewerRequest { Type = r.Type, Id = r.Id }).ToList(),
        };
        return Call.RunAsync($"PUT environment '{environment}'", () => _api.Put<GitHubEnvironmentResponse>(EnvironmentUri(environment), body), cancellationToken);
    }

    /// <summary>A reviewer name of rollout.yaml: a team of the repository's organisation (or org/team), else a user login.</summary>
    public async Task<ResolvedReviewer> ResolveReviewerAsync(string name, CancellationToken cancellationToken)
    {
        var slash = name.IndexOf('/');
        var (org, slug) = slash > 0 ? (name[..slash], name[(slash + 1)..]) : (Owner, name);
        try
        {
            var team = await Call.RunAsync($"GET team '{org}/{slug}'", () => _client.Organization.Team.GetByName(org, slug), cancellationToken);
            return new ResolvedReviewer(name, "Team", team.Id);
        }
        catch (GitHubAccessException e) when (e.InnerException is NotFoundException && slash < 0)
        {
            try
            {
                var user = await Call.RunAsync($"GET user '{name}'", () => _client.User.Get(name), cancellationToken);
                return new ResolvedReviewer(name, "User", user.Id);
            }
            catch (GitHubAccessException inner) when (inner.InnerException is NotFoundException)
            {
                throw new GitHubAccessException(
                    $"Required reviewer '{name}' (rollout.yaml environments.*.github.requiredReviewers) is neither a team of '{org}' nor a GitHub user. " +
                    "Write a team slug of the repository's organisation (or org/team) or a user login.", inner);
            }
        }
    }

    public Task<SecretsPublicKey> GetPublicKeyAsync(string environment, CancellationToken cancellationToken) =>
        Call.RunAsync($"GET public key of environment '{environment}'",
            () => _api.Get<SecretsPublicKey>(new Uri($"{EnvironmentPath(environment)}/secrets/public-key", UriKind.Relative)), cancellationToken);

    /// <summary>Every secret of the environment (names and timestamps only: GitHub never returns values).</summary>
    public async Task<IReadOnlyDictionary<string, RepositorySecret>> ListSecretsAsync(string environment, CancellationToken cancellationToken)
    {
        var all = new Dictionary<string, RepositorySecret>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            var parameters = new Dictionary<string, string> { ["per_page"] = "100", ["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            var batch = await Call.RunAsync($"GET secrets of environment '{environment}'",
                () => _api.Get<RepositorySecretsCollection>(new Uri($"{EnvironmentPath(environment)}/secrets", UriKind.Relative), parameters), cancellationToken);
            foreach (var secret in batch.Secrets) all[secret.Name] = secret;
            if (batch.Secrets.Count < 100 || all.Count >= batch.TotalCount) return all;
        }
    }

    public Task<RepositorySecret> GetSecretAsync(string environment, string name, CancellationToken cancellationToken) =>
        Call.RunAsync($"GET secret {name} of environment '{environment}'", () => _api.Get<RepositorySecret>(SecretUri(environment, name)), cancellationToken);

    public Task PutSecretAsync(string environment, string name, string encryptedValue, string keyId, CancellationToken cancellationToken) =>
        Call.RunAsync($"PUT secret {name} in environment '{environment}'",
            () => _api.Put(SecretUri(environment, name), new UpsertRepositorySecret { EncryptedValue = encryptedValue, KeyId = keyId }), cancellationToken);

    private string EnvironmentPath(string environment) =>
        $"repos/{Uri.EscapeDataString(Owner)}/{Uri.EscapeDataString(Repository)}/environments/{Uri.EscapeDataString(environment)}";

    private Uri EnvironmentUri(string environment) => new(EnvironmentPath(environment), UriKind.Relative);

    private Uri SecretUri(string environment, string name) => new($"{EnvironmentPath(environment)}/secrets/{Uri.EscapeDataString(name)}", UriKind.Relative);

    private sealed class InMemoryCredentials(string token) : ICredentialStore
    {
        public Task<Credentials> GetCredentials() => Task.FromResult(new Credentials(token));
    }
}
