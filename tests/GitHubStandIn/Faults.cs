using System.Net;

namespace Rollout.GitHubStandIn;

/// <summary>An answer the stand-in gives instead of the real one, as GitHub would send it.</summary>
public sealed record Fault(HttpStatusCode Status, string Message, IReadOnlyDictionary<string, string> Headers)
{
    public static Fault BadCredentials() => new(HttpStatusCode.Unauthorized, "Bad credentials", new Dictionary<string, string>());

    public static Fault NotFound() => new(HttpStatusCode.NotFound, "Not Found", new Dictionary<string, string>());

    /// <summary>429 with Retry-After, as GitHub's secondary limits may answer.</summary>
    public static Fault TooManyRequests(int retryAfterSeconds) => new((HttpStatusCode)429,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        new Dictionary<string, string> { ["Retry-After"] = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    /// <summary>403 secondary rate limit with Retry-After (Octokit: SecondaryRateLimitExceededException).</summary>
    public static Fault SecondaryRateLimit(int retryAfterSeconds) => new(HttpStatusCode.Forbidden,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        new Dictionary<string, string> { ["Retry-After"] = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    /// <summary>403 primary rate limit: remaining 0 and a reset time (Octokit: RateLimitExceededException).</summary>
    public static Fault PrimaryRateLimit(int resetInSeconds) => new(HttpStatusCode.Forbidden,
        "API rate limit exceeded for user ID 1.",
        new Dictionary<string, string>
        {
            ["X-RateLimit-Limit"] = "5000",
            ["X-RateLimit-Remaining"] = "0",
            ["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.AddSeconds(resetInSeconds).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    /// <summary>The connection is dropped without an answer (network failure).</summary>
    public static Fault DropConnection() => new(0, "", new Dictionary<string, string>());
}
