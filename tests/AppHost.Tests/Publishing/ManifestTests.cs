using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Rollout.AppHost.Publishing;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Tests.Publishing;

public sealed partial class ManifestTests
{
    /// <summary>
    /// The vendored schema with its two upstream gaps around annotated.string (a type Aspire's AddPostgres writes:
    /// &lt;server&gt;-password-uri-encoded) closed at load time: the dangling annotatedStringFilter is supplied as Aspire's
    /// source defines the filter ("uri"), and the catch-all extension branch, which forgot annotated.string among the
    /// known types, no longer matches it too (two matches fail a oneOf). Aspire's own AddRedis writes its binding with
    /// scheme "redis", which the schema's scheme list (http, https, tcp, udp) predates: added too.
    /// </summary>
    internal static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        var schema = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Publishing", "Schemas", "aspire-8.0.json")))!;
        var definitions = schema["definitions"]!.AsObject();
        if (!definitions.ContainsKey("annotatedStringFilter"))
            definitions["annotatedStringFilter"] = new System.Text.Json.Nodes.JsonObject { ["type"] = "string", ["enum"] = new System.Text.Json.Nodes.JsonArray("uri") };
        var known = schema["properties"]!["resources"]!["additionalProperties"]!["oneOf"]!.AsArray()[^1]!["not"]!["properties"]!["type"]!["enum"]!.AsArray();
        if (!known.Any(t => t!.GetValue<string>() == "annotated.string")) known.Add("annotated.string");
        var schemes = definitions["bindings"]!["additionalProperties"]!["properties"]!["scheme"]!["enum"]!.AsArray();
        if (!schemes.Any(t => t!.GetValue<string>() == "redis")) schemes.Add("redis");
        return JsonSchema.FromText(schema.ToJsonString());
    });

    [GeneratedRegex(@"\{(?<resource>[a-z0-9_-]+)\.(?<path>[A-Za-z0-9.]+)\}")]
    private static partial Regex Reference();

    private static async Task<JsonDocument> ManifestAsync(string environment = "production")
    {
        using var published = await PublishedEstate.PublishAsync(environment, publisher: PublisherKind.Manifest);
        Assert.Equal([Publisher.ManifestFileName], published.Files.Select(f => f.RelativePath));
        return JsonDocument.Parse(published.Text(Publisher.ManifestFileName));
    }

    [Theory]
    [InlineData("production")]
    [InlineData("staging")]
    public async Task Manifest_is_valid_against_the_published_aspire_schema(string environment)
    {
        using var manifest = await ManifestAsync(environment);
        var result = Schema.Value.Evaluate(manifest.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, "schema errors: " + JsonSerializer.Serialize(result.Details?.Where(d => d.Errors is not null).Select(d => new { d.InstanceLocation, d.EvaluationPath, d.Errors })));
        // Aspire's own publisher wrote it: no $schema (its deploy tools know the types), its annotated.string among the resources.
        Assert.Equal(["resources"], manifest.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Contains(manifest.RootElement.GetProperty("resources").EnumerateObject(), r => r.Value.GetProperty("type").GetString() == "annotated.string");
    }

    /// <summary>
    /// A manifest-based deploy runs the Provisioner and SmokeRunner with what the manifest gives them: every variable of
    /// the secret catalogue (the names of the plan), wired to the resource or parameter that holds it, never a value.
    /// </summary>
    [Fact]
    public async Task The_projects_get_every_catalogue_variable_wired_to_what_holds_it()
    {
        using var manifest = await ManifestAsync();
        var resources = manifest.RootElement.GetProperty("resources");
        var estate = Rollout.Topology.Loading.EstateLoader.LoadFile(Rollout.Topology.Loading.EstateLoader.Locate(AppContext.BaseDirectory));
        var catalogue = Rollout.AppHost.Publishing.Secrets.SecretCatalogue.For(estate, estate.Environment("production"));
        var deploy = estate.Environment("production").Deploy!;
        var workflowOnly = new[] { deploy.SshHost, deploy.SshPort, deploy.SshUser, deploy.SshTargetDir }.Select(s => s.VariableName)
            .Append(Rollout.AppHost.Publishing.Secrets.SecretCatalogue.SshPrivateKey).ToHashSet();
        foreach (var project in new[] { "provisioner", "smokerunner" })
        {
            var env = resources.GetProperty(project).GetProperty("env");
            foreach (var secret in catalogue.Secrets.Where(s => !workflowOnly.Contains(s.Name)))
            {
                Assert.True(env.TryGetProperty(secret.Name, out var value), $"{project} lacks {secret.Name}");
                if (secret.IsSensitive)
                    Assert.Matches(Reference(), value.GetString()!);
                foreach (Match reference in Reference().Matches(value.GetString()!))
                    Assert.True(resources.TryGetProperty(reference.Groups["resource"].Value, out _), $"{project}: {secret.Name} refers to a missing resource: {value}");
            }
            Assert.Equal("{external-mariadb.bindings.tcp.host}", env.GetProperty("MYSQL_HOST").GetString());
            Assert.Equal("{svc-crm-password.value}", env.GetProperty("MO_CRM_DB_PASS").GetString());
            Assert.Equal("svc_crm", env.GetProperty("MO_CRM_DB_USER").GetString());
            Assert.Equal("{external-mariadb-password.value}", env.GetProperty("MYSQL_ADMIN_PASS").GetString());
            Assert.False(env.TryGetProperty(Rollout.AppHost.Publishing.Secrets.SecretCatalogue.SshPrivateKey, out _), "the deploy key is the workflow's");
        }
    }

    [Fact]
    public async Task The_schema_check_rejects_a_broken_manifest()
    {
        using var manifest = await ManifestAsync();
        var text = manifest.RootElement.GetRawText().Replace("\"targetPort\": 3306", "\"targetPort\": \"3306\"", StringComparison.Ordinal);
        Assert.Contains("\"targetPort\": \"3306\"", text, StringComparison.Ordinal);
        using var broken = JsonDocument.Parse(text);
        Assert.False(Schema.Value.Evaluate(broken.RootElement).IsValid);
    }

    [Fact]
    public async Task Every_reference_resolves_to_a_defined_resource_and_property()
    {
        using var manifest = await ManifestAsync();
        var resources = manifest.RootElement.GetProperty("resources");
        var references = new List<string>();
        foreach (var text in Strings(resources))
            foreach (Match match in Reference().Matches(text))
            {
                references.Add(match.Value);
                var name = match.Groups["resource"].Value;
                var path = match.Groups["path"].Value;
                Assert.True(resources.TryGetProperty(name, out var target), $"{match.Value}: no resource '{name}'");
                var type = target.GetProperty("type").GetString();
                var ok = path switch
                {
                    "value" => type is "parameter.v0" or "annotated.string",
                    "inputs.value" => type is "parameter.v0" && target.GetProperty("inputs").TryGetProperty("value", out _),
                    "connectionString" => target.TryGetProperty("connectionString", out _),
                    _ when path.StartsWith("bindings.", StringComparison.Ordinal) =>
                        path.Split('.') is [_, var binding, "host" or "port" or "url" or "targetPort"]
                        && target.TryGetProperty("bindings", out var bindings) && bindings.TryGetProperty(binding, out _),
                    _ => false,
                };
                Assert.True(ok, $"{match.Value} does not resolve: '{name}' is {type} and has no '{path}'");
            }
        Assert.Contains("{external-mariadb.bindings.tcp.host}", references);
        Assert.Contains("{svc-idp-password.value}", references);
        Assert.Contains("{mo-crm.connectionString}", references);
    }

    [Fact]
    public async Task Resources_come_in_model_order_and_the_existing_server_is_an_address_not_a_container()
    {
        using var manifest = await ManifestAsync();
        var resources = manifest.RootElement.GetProperty("resources");
        var names = resources.EnumerateObject().Select(r => r.Name).ToList();
        // Each server before its databases, the projects after every database (the model's order).
        foreach (var database in PublishedEstate.Estate.EnabledDatabases(PublishedEstate.Estate.Environment("production")))
        {
            var name = Hosting.EstateDatabaseResource.ResourceName(database.Name);
            Assert.True(names.IndexOf(database.ServerName) < names.IndexOf(name), $"{database.ServerName} before {name}");
            Assert.True(names.IndexOf(name) < names.IndexOf("provisioner"), $"{name} before provisioner");
        }
        // Existing: not deployed, its address is a pair of parameters.
        Assert.Equal("value.v0", resources.GetProperty("plesk").GetProperty("type").GetString());
        Assert.Equal("Server={plesk-host.value};Port={plesk-port.value};SslMode=Required", resources.GetProperty("plesk").GetProperty("connectionString").GetString());
    }

    [Fact]
    public async Task Each_database_logs_in_as_its_own_service_user_with_its_catalogue_password()
    {
        using var manifest = await ManifestAsync();
        var resources = manifest.RootElement.GetProperty("resources");
        var environment = PublishedEstate.Estate.Environment("production");
        var enabled = PublishedEstate.Estate.EnabledDatabases(environment);
        Assert.Equal(17, enabled.Count);
        foreach (var database in enabled)
        {
            var resource = resources.GetProperty(Hosting.EstateDatabaseResource.ResourceName(database.Name));
            Assert.Equal("value.v0", resource.GetProperty("type").GetString());
            var connection = resource.GetProperty("connectionString").GetString()!;
            Assert.Contains($"={database.User};", connection, StringComparison.Ordinal);
            Assert.Contains($"Database={database.Name};", connection, StringComparison.Ordinal);
            Assert.DoesNotContain("root", connection, StringComparison.Ordinal);
            Assert.DoesNotContain("rollout_admin", connection, StringComparison.Ordinal);
            var parameter = Regex.Match(connection, @"Password=\{(?<p>[a-z0-9-]+)\.value\}").Groups["p"].Value;
            Assert.False(string.IsNullOrEmpty(parameter), connection);

            var input = resources.GetProperty(parameter).GetProperty("inputs").GetProperty("value");
            Assert.True(input.GetProperty("secret").GetBoolean());
            var existing = PublishedEstate.Estate.Server(database.ServerName).Existing;
            // The plan generates passwords for the new databases; the Plesk ones exist and must be supplied.
            Assert.Equal(!existing, input.TryGetProperty("default", out var fallback) && fallback.TryGetProperty("generate", out _));
            var name = Hosting.EstateDatabaseResource.ResourceName(database.Name);
            foreach (var project in new[] { "provisioner", "smokerunner" })
                Assert.Equal($"{{{name}.connectionString}}", resources.GetProperty(project).GetProperty("env").GetProperty($"ConnectionStrings__{name}").GetString());
        }
    }

    [Fact]
    public async Task Servers_are_containers_with_tcp_binding_volume_and_generated_admin_password()
    {
        using var manifest = await ManifestAsync("staging");
        var resources = manifest.RootElement.GetProperty("resources");
        foreach (var server in PublishedEstate.Estate.EnabledServers(PublishedEstate.Estate.Environment("staging")).Where(s => !s.Existing))
        {
            var resource = resources.GetProperty(server.Name);
            Assert.Equal("container.v0", resource.GetProperty("type").GetString());
            var tcp = resource.GetProperty("bindings").GetProperty("tcp");
            // Aspire's AddRedis names its scheme "redis"; ours (MariaDB) and AddPostgres "tcp".
            Assert.Equal([server.Engine == Engine.Redis ? "redis" : "tcp", "tcp", "tcp"], new[] { "scheme", "protocol", "transport" }.Select(p => tcp.GetProperty(p).GetString()));
            Assert.Equal(server.DefaultPort, tcp.GetProperty("targetPort").GetInt32());
            Assert.Equal(server.Name + "-data", resource.GetProperty("volumes")[0].GetProperty("name").GetString());
            Assert.Contains($"{{{server.Name}.bindings.tcp.host}}", resource.GetProperty("connectionString").GetString(), StringComparison.Ordinal);
        }
        Assert.True(resources.GetProperty("external-mariadb-password").GetProperty("inputs").GetProperty("value")
            .GetProperty("default").GetProperty("generate").GetProperty("minLength").GetInt32() >= 22);
        Assert.True(resources.TryGetProperty("redis", out _), "staging enables redis");
    }

    [Fact]
    public async Task The_provisioner_gets_the_backup_secrets_of_the_catalogue_as_supplied_parameters_never_values()
    {
        using var manifest = await ManifestAsync();
        var resources = manifest.RootElement.GetProperty("resources");
        var env = resources.GetProperty("provisioner").GetProperty("env");
        foreach (var (variable, secret, fallback) in new[] { ("EXTERNAL_MARIADB_BACKUP_PASS", true, (string?)null), ("BACKUP_REPOSITORY_PASSWORD", true, null), ("BACKUP_REPOSITORY", false, "/var/backups/rollout/restic") })
        {
            var parameter = variable.ToLowerInvariant().Replace('_', '-');
            Assert.Equal($"{{{parameter}.value}}", env.GetProperty(variable).GetString());
            var input = resources.GetProperty(parameter).GetProperty("inputs").GetProperty("value");
            Assert.Equal(secret, input.TryGetProperty("secret", out var s) && s.GetBoolean());
            // Supplied, never generated by a deploy: a new repository key opens no existing backup, a new account password matches no server.
            Assert.False(input.TryGetProperty("default", out var d) && d.TryGetProperty("generate", out _), $"{parameter} must be supplied");
            Assert.Equal(fallback, d.ValueKind == JsonValueKind.Object && d.TryGetProperty("value", out var v) ? v.GetString() : null);
        }
    }

    [Fact]
    public async Task Production_without_redis_has_no_redis_resource()
    {
        using var manifest = await ManifestAsync();
        Assert.False(manifest.RootElement.GetProperty("resources").TryGetProperty("redis", out _));
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };
}
