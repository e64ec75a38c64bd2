using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sodium;

namespace Rollout.GitHubStandIn;

// The endpoints, with GitHub's paths, status codes and JSON fields (docs.github.com/rest/deployments/environments
// and /rest/actions/secrets): environments are created/updated by PUT, secrets by PUT with a sealed box.
public sealed partial class GitHubStandIn
{
    private async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        Fault? fault = null;
        lock (_gate)
        {
            var index = _faults.FindIndex(f => f.Match(context.Request));
            if (index >= 0)
            {
                fault = _faults[index].Fault;
                _faults.RemoveAt(index);
            }
        }
        if (fault is { Status: 0 })
        {
            _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path, 0));
            context.Abort();
            return;
        }
        // GitHub accepts both schemes (Octokit sends "Token <token>").
        var authorization = context.Request.Headers.Authorization.ToString().Split(' ', 2);
        var authenticated = authorization.Length == 2 && authorization[0].ToLowerInvariant() is "bearer" or "token" && authorization[1] == Token;
        if (fault is null && !authenticated)
            fault = Fault.BadCredentials();
        if (fault is not null)
            await Message(fault.Status, fault.Message, fault.Headers.ToDictionary()).ExecuteAsync(context);
        else
            await next(context);
        _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path, (HttpStatusCode)context.Response.StatusCode));
    }

    private void MapRoutes(RouteGroupBuilder api)
    {
        api.MapGet("/repos/{owner}/{repo}", (string owner, string repo) => WithRepository(owner, repo, r =>
            new JsonResult(HttpStatusCode.OK, new JsonObject
            {
                ["id"] = r.Id,
                ["name"] = r.Name,
                ["full_name"] = $"{r.Owner}/{r.Name}",
                ["private"] = true,
                ["owner"] = new JsonObject { ["login"] = r.Owner, ["id"] = 1, ["type"] = "Organization" },
            })));

        api.MapGet("/orgs/{org}/teams/{slug}", (string org, string slug) =>
        {
            lock (_gate)
                return _teams.TryGetValue($"{org}/{slug}", out var id)
                    ? new JsonResult(HttpStatusCode.OK, new JsonObject { ["id"] = id, ["slug"] = slug, ["name"] = slug })
                    : Message(HttpStatusCode.NotFound, "Not Found");
        });

        api.MapGet("/users/{login}", (string login) =>
        {
            lock (_gate)
                return _users.TryGetValue(login, out var id)
                    ? new JsonResult(HttpStatusCode.OK, new JsonObject { ["id"] = id, ["login"] = login, ["type"] = "User" })
                    : Message(HttpStatusCode.NotFound, "Not Found");
        });

        api.MapGet("/repos/{owner}/{repo}/environments/{environment}", (string owner, string repo, string environment) =>
            WithEnvironment(owner, repo, environment, e => new JsonResult(HttpStatusCode.OK, EnvironmentJson(e))));

        api.MapPut("/repos/{owner}/{repo}/environments/{environment}", async (string owner, string repo, string environment, HttpRequest request) =>
        {
            if (!TokenPermissions.Contains("environments")) return Forbidden("administration=write");
            var body = await ReadBodyAsync(request);
            return WithRepository(owner, repo, r =>
            {
                if (!r.Environments.TryGetValue(environment, out var e))
                    r.Environments[environment] = e = new StandInEnvironment(environment, NextId(), NewKeyPair(), NextId().ToString(System.Globalization.CultureInfo.InvariantCulture), Tick());
                if (body?["reviewers"] is JsonArray reviewers)
                {
                    e.Reviewers.Clear();
                    foreach (var reviewer in reviewers)
                    {
                        var type = reviewer?["type"]?.GetValue<string>();
                        var id = reviewer?["id"]?.GetValue<long>() ?? 0;
                        if (type is not ("User" or "Team") || id == 0)
                            return Message(HttpStatusCode.UnprocessableEntity, "Invalid request. reviewers need a type of User or Team and an id.");
                        e.Reviewers.Add((type, id));
                    }
                }
                e.UpdatedAt = Tick();
                return new JsonResult(HttpStatusCode.OK, EnvironmentJson(e));
            });
        });

        api.MapGet("/repos/{owner}/{repo}/environments/{environment}/secrets/public-key", (string owner, string repo, string environment) =>
            !TokenPermissions.Contains("secrets") ? Forbidden("secrets=read") :
            WithEnvironment(owner, repo, environment, e => new JsonResult(HttpStatusCode.OK,
                new JsonObject { ["key_id"] = e.KeyId, ["key"] = Convert.ToBase64String(e.KeyPair.PublicKey) })));

        api.MapGet("/repos/{owner}/{repo}/environments/{environment}/secrets", (string owner, string repo, string environment, int? per_page, int? page) =>
            !TokenPermissions.Contains("secrets") ? Forbidden("secrets=read") :
            WithEnvironment(owner, repo, environment, e =>
            {
                var size = Math.Clamp(per_page ?? 30, 1, 100);
                var all = e.Secrets.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
                var slice = all.Skip(((page ?? 1) - 1) * size).Take(size).Select(SecretJson);
                return new JsonResult(HttpStatusCode.OK, new JsonObject { ["total_count"] = all.Count, ["secrets"] = new JsonArray([.. slice]) });
            }));

        api.MapGet("/repos/{owner}/{repo}/environments/{environment}/secrets/{name}", (string owner, string repo, string environment, string name) =>
            !TokenPermissions.Contains("secrets") ? Forbidden("secrets=read") :
            WithEnvironment(owner, repo, environment, e => e.Secrets.TryGetValue(name, out var s)
                ? new JsonResult(HttpStatusCode.OK, SecretJson(s)) : Message(HttpStatusCode.NotFound, "Not Found")));

        api.MapPut("/repos/{owner}/{repo}/environments/{environment}/secrets/{name}", async (string owner, string repo, string environment, string name, HttpRequest request) =>
        {
            if (!TokenPermissions.Contains("secrets")) return Forbidden("secrets=write");
            var body = await ReadBodyAsync(request);
            return WithEnvironment(owner, repo, environment, e =>
            {
                var keyId = body?["key_id"]?.GetValue<string>();
                var encrypted = body?["encrypted_value"]?.GetValue<string>();
                if (keyId is null || encrypted is null)
                    return Message(HttpStatusCode.UnprocessableEntity, "Invalid request. \"encrypted_value\" and \"key_id\" are required.");
                if (keyId != e.KeyId)
                    return Message(HttpStatusCode.UnprocessableEntity, "Bad request - key_id does not match the environment's public key.");
                string plaintext;
                try
                {
                    plaintext = System.Text.Encoding.UTF8.GetString(SealedPublicKeyBox.Open(Convert.FromBase64String(encrypted), e.KeyPair));
                }
                catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
                {
                    UndecryptableBoxes++;
                    return Message(HttpStatusCode.UnprocessableEntity, "Bad request - encrypted_value could not be decrypted with the environment's key.");
                }
                var now = Tick();
                var created = !e.Secrets.TryGetValue(name, out var existing);
                e.Secrets[name] = new StoredSecret(name, plaintext, existing?.CreatedAt ?? now, now);
                return new JsonResult(created ? HttpStatusCode.Created : HttpStatusCode.NoContent, created ? new JsonObject() : null);
            });
        });
    }

    private IResult WithRepository(string owner, string repo, Func<StandInRepository, IResult> answer)
    {
        lock (_gate)
            return _repositories.TryGetValue($"{owner}/{repo}", out var r) ? answer(r) : Message(HttpStatusCode.NotFound, "Not Found");
    }

    private IResult WithEnvironment(string owner, string repo, string environment, Func<StandInEnvironment, IResult> answer) =>
        WithRepository(owner, repo, r => r.Environments.TryGetValue(environment, out var e) ? answer(e) : Message(HttpStatusCode.NotFound, "Not Found"));

    private static IResult Forbidden(string permission) => Message(HttpStatusCode.Forbidden, "Resource not accessible by personal access token",
        new Dictionary<string, string> { ["X-Accepted-GitHub-Permissions"] = permission });

    private static async Task<JsonNode?> ReadBodyAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject EnvironmentJson(StandInEnvironment e) => new()
    {
        ["id"] = e.Id,
        ["name"] = e.Name,
        ["created_at"] = e.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["updated_at"] = e.UpdatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["protection_rules"] = e.Reviewers.Count == 0 ? new JsonArray() : new JsonArray(new JsonObject
        {
            ["id"] = e.Id + 1,
            ["type"] = "required_reviewers",
            ["prevent_self_review"] = false,
            ["reviewers"] = new JsonArray([.. e.Reviewers.Select(r => (JsonNode)new JsonObject
            {
                ["type"] = r.Type,
                ["reviewer"] = r.Type == "Team" ? new JsonObject { ["id"] = r.Id, ["slug"] = $"team-{r.Id}" } : new JsonObject { ["id"] = r.Id, ["login"] = $"user-{r.Id}" },
            })]),
        }),
    };

    private static JsonNode SecretJson(StoredSecret s) => new JsonObject
    {
        ["name"] = s.Name,
        ["created_at"] = s.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["updated_at"] = s.UpdatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
    };
}
