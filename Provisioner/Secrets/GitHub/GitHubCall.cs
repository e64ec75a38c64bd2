using System.Globalization;
using System.Net;
using Octokit;

namespace Rollout.Provisioner.Secrets.GitHub;

/// <summary>A GitHub call that failed for a reason the user must fix; the message names the fix.</summary>
public sealed class GitHubAccessException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Runs one GitHub call: waits out rate limits as GitHub asks (Retry-After, else the reset time) when the
/// wait is short, and turns Octokit's exceptions into messages that name the scope, repository or
/// environment to fix. Never includes a request body (it may hold a sealed secret).
/// </summary>
public sealed class GitHubCall(string apiUrl, string repository, TimeSpan maxRateLimitWait, int maxAttempts = 3)
{
    public const string ScopeHint =
        "a classic token needs the `repo` scope; a fine-grained token needs 'Administration: write' (to create environments), " +
        "'Environments: write' and 'Secrets: write' on the repository";

    public string ApiUrl { get; } = apiUrl;

    /// <summary>Waits actually taken because of rate limits (for messages and tests).</summary>
    public List<TimeSpan> RateLimitWaits { get; } = [];

    public async Task<T> RunAsync<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (RateLimitWait(e) is { } wait)
            {
                if (attempt >= maxAttempts || wait > maxRateLimitWait)
                    throw new GitHubAccessException(
                        $"GitHub rate limit on {operation} ({Status(e)}): GitHub asks to retry after {wait.TotalSeconds:0} s " +
                        $"(at {DateTimeOffset.UtcNow.Add(wait):HH:mm:ss} UTC){(attempt > 1 ? $", after {attempt} attempts" : "")}. " +
                        $"Wait and re-run (or raise --max-rate-limit-wait above {maxRateLimitWait.TotalSeconds:0} s).", e);
                RateLimitWaits.Add(wait);
                await Task.Delay(wait, cancellationToken);
            }
            catch (Exception e) when (Translate(operation, e) is { } translated)
            {
                throw translated;
            }
        }
    }

    public Task RunAsync(string operation, Func<Task> call, CancellationToken cancellationToken) =>
        RunAsync(operation, async () => { await call(); return true; }, cancellationToken);

    private static TimeSpan? RateLimitWait(Exception e)
    {
        if (e is not ApiException api) return null;
        var isRateLimit = e is RateLimitExceededException or SecondaryRateLimitExceededException || (int)api.StatusCode == 429;
        if (!isRateLimit) return null;
        var headers = api.HttpResponse?.Headers;
        if (Header(headers, "Retry-After") is { } retryAfter &&
            int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return TimeSpan.FromSeconds(seconds);
        if (Header(headers, "X-RateLimit-Reset") is { } reset &&
            long.TryParse(reset, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            var untilReset = DateTimeOffset.FromUnixTimeSeconds(epoch) - DateTimeOffset.UtcNow;
            return untilReset > TimeSpan.Zero ? untilReset : TimeSpan.FromSeconds(1);
        }
        // GitHub's guidance for a secondary limit without headers: wait at least a minute.
        return TimeSpan.FromSeconds(60);
    }

    private GitHubAccessException? Translate(string operation, Exception e) => e switch
    {
        AuthorizationException => new GitHubAccessException(
            $"GitHub rejected the token on {operation} (401 {Message(e)}) at {ApiUrl}: GITHUB_TOKEN is wrong, expired or revoked. " +
            $"Create a new token ({ScopeHint}) and export it as GITHUB_TOKEN.", e),
        ForbiddenException forbidden => new GitHubAccessException(
            $"GitHub refused {operation} on {repository} (403 {Message(e)}): the token is under-scoped — {ScopeHint}." +
            Accepted(forbidden), e),
        NotFoundException => new GitHubAccessException(
            $"GitHub answered 404 for {operation}: {repository} does not exist at {ApiUrl}, or the token cannot see it " +
            "(GitHub answers 404, not 403, for a private repository the token has no access to). Check --repo owner/name and the token's repository access.", e),
        ApiException api => new GitHubAccessException($"GitHub failed {operation} ({(int)api.StatusCode} {Message(e)}) at {ApiUrl}.", e),
        HttpRequestException http => new GitHubAccessException(
            $"Cannot reach GitHub at {ApiUrl} for {operation}: {http.Message}. Check the network or --api-url.", e),
        TaskCanceledException or TimeoutException => new GitHubAccessException(
            $"GitHub at {ApiUrl} did not answer {operation} in time. Check the network or --api-url.", e),
        _ => null,
    };

    private static string Message(Exception e) => e is ApiException { ApiError.Message: { Length: > 0 } message } ? message : e.Message;

    private static string Status(Exception e) => e is ApiException api ? $"{(int)api.StatusCode} {Message(e)}" : e.Message;

    private static string Accepted(ApiException e)
    {
        var headers = e.HttpResponse?.Headers;
        var permissions = Header(headers, "X-Accepted-GitHub-Permissions");
        var scopes = Header(headers, "X-Accepted-OAuth-Scopes");
        return (permissions, scopes) switch
        {
            (null, null) => "",
            _ => $" GitHub says this call needs: {string.Join("; ", new[] { permissions, scopes is null ? null : "scopes " + scopes }.Where(s => s is not null))}.",
        };
    }

    private static string? Header(IReadOnlyDictionary<string, string>? headers, string name) =>
        headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public static bool IsNotFound(Exception e) => e is NotFoundException || e.InnerException is NotFoundException;

    public static HttpStatusCode? StatusOf(Exception e) => (e as ApiException ?? e.InnerException as ApiException)?.StatusCode;
}
