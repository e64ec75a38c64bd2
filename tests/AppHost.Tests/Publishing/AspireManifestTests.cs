using System.Diagnostics;
using System.Text.Json;
using Json.Schema;
using Rollout.AppHost.Tests.Lifecycle;

namespace Rollout.AppHost.Tests.Publishing;

/// <summary>
/// Aspire's own manifest of the estate: `dotnet run --project AppHost -- --publisher manifest --output-path …` (the
/// built AppHost run as that command runs it), validated against the aspire-8.0 schema.
/// </summary>
public sealed class AspireManifestTests(AspireManifestTests.PublishedManifest published) : IClassFixture<AspireManifestTests.PublishedManifest>
{
    private JsonElement Resources => published.Manifest.RootElement.GetProperty("resources");

    private JsonElement Resource(string name) => Resources.GetProperty(name);

    [Fact]
    public void The_manifest_is_valid_against_the_aspire_schema()
    {
        var result = ManifestTests.Schema.Value.Evaluate(published.Manifest.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, "schema errors: " + JsonSerializer.Serialize(result.Details?.Where(d => d.Errors is not null).Select(d => new { d.InstanceLocation, d.Errors })));
        // Aspire 13.6's publisher writes no $schema (the schema is the one its deploy tools know by the types).
        Assert.Equal(["resources"], published.Manifest.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Managed_servers_are_containers_postgres_from_aspires_own_integration_and_no_executable()
    {
        Assert.Equal("container.v0", Resource("external-mariadb").GetProperty("type").GetString());
        Assert.Equal("docker.io/library/mariadb:10.11", Resource("external-mariadb").GetProperty("image").GetString());
        Assert.Equal(3306, Resource("external-mariadb").GetProperty("bindings").GetProperty("tcp").GetProperty("targetPort").GetInt32());
        Assert.Equal("{external-mariadb-password.value}", Resource("external-mariadb").GetProperty("env").GetProperty("MARIADB_ROOT_PASSWORD").GetString());
        Assert.Equal("container.v0", Resource("external-postgres").GetProperty("type").GetString());
        Assert.StartsWith("docker.io/library/postgres:15", Resource("external-postgres").GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Resources.EnumerateObject(), r => r.Value.GetProperty("type").GetString() == "executable.v0");
    }

    [Fact]
    public void Databases_are_values_with_their_service_user_and_secret_password_parameters()
    {
        var crm = Resource("mo-crm");
        Assert.Equal("value.v0", crm.GetProperty("type").GetString());
        Assert.Equal("Server={external-mariadb.bindings.tcp.host};Port={external-mariadb.bindings.tcp.port};User ID=svc_crm;Password={svc-crm-password.value};Database=mo_crm;SslMode=Required",
            crm.GetProperty("connectionString").GetString());
        var idp = Resource("mo-idp").GetProperty("connectionString").GetString()!;
        Assert.Contains("Username=svc_idp;Password={svc-idp-password.value};Database=mo_idp", idp);
        var password = Resource("svc-crm-password");
        Assert.Equal("parameter.v0", password.GetProperty("type").GetString());
        Assert.True(password.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        Assert.True(password.GetProperty("inputs").GetProperty("value").TryGetProperty("default", out _), "a new user's password is generated");
        // The existing (Plesk) server is not ours to run: its address and its users' passwords are inputs.
        Assert.Equal("parameter.v0", Resource("plesk-host").GetProperty("type").GetString());
        Assert.Contains("{plesk-host.value}", Resource("mo-main").GetProperty("connectionString").GetString());
        Assert.False(Resource("svc-main-password").GetProperty("inputs").GetProperty("value").TryGetProperty("default", out _));
    }

    [Fact]
    public void The_projects_are_project_resources_referencing_every_database()
    {
        var provisioner = Resource("provisioner");
        Assert.Equal("project.v0", provisioner.GetProperty("type").GetString());
        Assert.EndsWith("Provisioner/Rollout.Provisioner.csproj", provisioner.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.Equal("{mo-crm.connectionString}", provisioner.GetProperty("env").GetProperty("ConnectionStrings__mo-crm").GetString());
        Assert.Equal(["apply", "--env", "production"], provisioner.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("project.v0", Resource("smokerunner").GetProperty("type").GetString());
    }

    /// <summary>Runs the AppHost's publish mode once for the class.</summary>
    public sealed class PublishedManifest : IAsyncLifetime
    {
        private readonly TemporaryDirectory _output = new();

        public JsonDocument Manifest { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
            var dll = Path.Combine(AppHostProcess.RepositoryRoot, "AppHost", "bin", configuration, "net10.0", "Rollout.AppHost.dll");
            var path = Path.Combine(_output.Path, "aspire-manifest.json");
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                WorkingDirectory = AppHostProcess.RepositoryRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[] { dll, "--publisher", "manifest", "--output-path", path }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0 && File.Exists(path), $"publish exited {process.ExitCode}:{Environment.NewLine}{await output}{await error}");
            Manifest = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        }

        public Task DisposeAsync()
        {
            Manifest?.Dispose();
            _output.Dispose();
            return Task.CompletedTask;
        }
    }
}
