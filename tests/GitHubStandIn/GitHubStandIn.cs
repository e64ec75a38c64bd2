using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sodium;

namespace Rollout.GitHubStandIn;

/// <summary>One request as the stand-in saw it (never with its body).</summary>
public sealed record RecordedRequest(string Method, string Path, HttpStatusCode Status);

/// <summary>
/// A local stand-in for GitHub's REST API (the endpoints secrets sync uses), on 127.0.0.1 with a free
/// port. It authenticates the bearer token, keeps a real Curve25519 key pair per environment, opens
/// every sealed box it receives (a box it cannot open is refused with 422, as GitHub does) and keeps
/// the plaintext so a test can check it. Faults (401/403/404/429, rate limits) are injected per request.
/// </summary>
public sealed partial class GitHubStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly List<(Func<HttpRequest, bool> Match, Fault Fault)> _faults = [];
    private readonly object _gate = new();
    private readonly Dictionary<string, StandInRepository> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _teams = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _users = new(StringComparer.OrdinalIgnoreCase);
    private DateTimeOffset _clock = DateTimeOffset.UtcNow.AddDays(-1);
    private long _nextId = 1000;

    private GitHubStandIn(WebApplication app, string token)
    {
        _app = app;
        Token = token;
    }

    /// <summary>Base URL to hand to Octokit (it serves both / and GitHub Enterprise's /api/v3/).</summary>
    public string BaseUrl { get; private set; } = "";

    public string Token { get; }

    /// <summary>What the token may do: "secrets" (environment secrets), "environments" (create/update). Both by default.</summary>
    public HashSet<string> TokenPermissions { get; } = ["secrets", "environments"];

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    /// <summary>Sealed boxes that did not open with the environment's key (each answered 422).</summary>
    public int UndecryptableBoxes { get; private set; }

    public static async Task<GitHubStandIn> StartAsync(string token = "ghp_standin_token_0123456789")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var standIn = new GitHubStandIn(app, token);
        app.Use(standIn.GateAsync);
        standIn.MapRoutes(app.MapGroup(""));
        standIn.MapRoutes(app.MapGroup("/api/v3"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.BaseUrl = address.TrimEnd('/') + "/";
        return standIn;
    }

    public void AddRepository(string owner, string name)
    {
        lock (_gate) _repositories[$"{owner}/{name}"] = new StandInRepository(owner, name, NextId());
    }

    public void AddTeam(string org, string slug) { lock (_gate) _teams[$"{org}/{slug}"] = NextId(); }

    public void AddUser(string login) { lock (_gate) _users[login] = NextId(); }

    public long TeamId(string org, string slug) { lock (_gate) return _teams[$"{org}/{slug}"]; }

    /// <summary>The plaintext of every secret of an environment, as decrypted from what was sent.</summary>
    public IReadOnlyDictionary<string, string> DecryptedSecrets(string owner, string repo, string environment)
    {
        lock (_gate)
            return _repositories.TryGetValue($"{owner}/{repo}", out var r) && r.Environments.TryGetValue(environment, out var e)
                ? e.Secrets.ToDictionary(s => s.Key, s => s.Value.Plaintext)
                : new Dictionary<string, string>();
    }

    /// <summary>Ids of the required reviewers of an environment, or null when the environment does not exist.</summary>
    public IReadOnlyList<long>? Reviewers(string owner, string repo, string environment)
    {
        lock (_gate)
            return _repositories.TryGetValue($"{owner}/{repo}", out var r) && r.Environments.TryGetValue(environment, out var e)
                ? e.ReviewerIds.ToList() : null;
    }

    /// <summary>Simulates someone changing a secret in the GitHub UI: new value, new updated_at.</summary>
    public void ChangeSecretElsewhere(string owner, string repo, string environment, string name, string plaintext)
    {
        lock (_gate)
        {
            var secrets = _repositories[$"{owner}/{repo}"].Environments[environment].Secrets;
            secrets[name] = secrets[name] with { Plaintext = plaintext, UpdatedAt = Tick() };
        }
    }

    /// <summary>Answers the next <paramref name="times"/> requests matching <paramref name="match"/> with a fault.</summary>
    public void InjectFault(Func<HttpRequest, bool> match, Fault fault, int times = 1)
    {
        lock (_gate)
            for (var i = 0; i < times; i++) _faults.Add((match, fault));
    }

    public void ClearRequests() => _requests.Clear();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private long NextId() => Interlocked.Increment(ref _nextId);

    // GitHub timestamps have second resolution; every change gets a later one so changes are always visible.
    private DateTimeOffset Tick()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        _clock = now > _clock ? now : _clock.AddSeconds(1);
        return _clock;
    }

    private static IResult Message(HttpStatusCode status, string message, IDictionary<string, string>? headers = null) =>
        new JsonResult(status, new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest", ["status"] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) }, headers);

    private sealed class JsonResult(HttpStatusCode status, JsonNode? body, IDictionary<string, string>? headers = null) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = (int)status;
            foreach (var (name, value) in headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
            if (body is null) return;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8);
        }
    }

    private static KeyPair NewKeyPair() => PublicKeyBox.GenerateKeyPair();
}
