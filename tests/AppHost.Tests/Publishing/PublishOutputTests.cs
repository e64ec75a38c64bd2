using System.CommandLine;
using Rollout.AppHost.Publishing;
using Rollout.AppHost.Publishing.Secrets;

namespace Rollout.AppHost.Tests.Publishing;

public sealed class PublishOutputTests
{
    [Fact]
    public async Task Same_estate_and_variables_give_byte_identical_files()
    {
        var parent = PublishedEstate.NewDirectory();
        using var first = await PublishedEstate.PublishAsync(directory: Path.Combine(parent, "a"));
        using var second = await PublishedEstate.PublishAsync(directory: Path.Combine(parent, "b"));
        Assert.Equal(first.Files.Select(f => f.RelativePath), second.Files.Select(f => f.RelativePath));
        Assert.True(first.Files.Count >= 15);
        foreach (var file in first.Files)
            Assert.True(File.ReadAllBytes(first.PathOf(file.RelativePath)).AsSpan().SequenceEqual(File.ReadAllBytes(second.PathOf(file.RelativePath))),
                $"{file.RelativePath} differs between two publishes");
        Directory.Delete(parent, recursive: true);
    }

    [Fact]
    public async Task No_secret_value_reaches_any_file_or_the_console()
    {
        var estate = PublishedEstate.Estate;
        var variables = new Dictionary<string, string>(PublishedEstate.ProductionVariables);
        var secrets = new List<string>();
        foreach (var environment in estate.Environments)
            foreach (var secret in SecretCatalogue.For(estate, environment).Secrets.Where(s => s.IsSensitive))
            {
                var value = $"Sx{Guid.NewGuid():N}";
                variables[secret.Name] = value;
                secrets.Add(value);
            }
        Assert.Contains(variables.Keys, k => k == "MO_CRM_DB_PASS");
        Assert.Contains(variables.Keys, k => k == "PG_ADMIN_PASS");

        var directory = PublishedEstate.NewDirectory();
        var (exit, output) = await RunCommandAsync(variables, "publish", "--output-path", directory, "--estate", PublishedEstate.EstatePath);
        try
        {
            Assert.Equal(0, exit);
            var texts = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(File.ReadAllText).Append(output).ToList();
            Assert.True(texts.Count >= 16);
            foreach (var secret in secrets)
                Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Command_writes_everything_by_default_and_only_the_manifest_with_publisher_manifest()
    {
        var all = PublishedEstate.NewDirectory();
        var manifestOnly = PublishedEstate.NewDirectory();
        try
        {
            var (exit, output) = await RunCommandAsync(PublishedEstate.ProductionVariables, "publish", "--output-path", all, "--estate", PublishedEstate.EstatePath);
            Assert.Equal(0, exit);
            Assert.Contains("Published environment 'production'", output, StringComparison.Ordinal);
            foreach (var file in new[] { "aspire-manifest.json", "docker-compose.yaml", ".env", "README.md", ".github/workflows/rollout.yml",
                         ".github/workflows/nightly-smoke.yml", "hosts/external-mariadb/firewall.nft", "hosts/external-postgres/pg_hba.conf" })
                Assert.True(File.Exists(Path.Combine(all, file)), $"{file} missing");

            (exit, _) = await RunCommandAsync(PublishedEstate.ProductionVariables, "publish", "--publisher", "manifest", "--output-path", manifestOnly, "--estate", PublishedEstate.EstatePath);
            Assert.Equal(0, exit);
            Assert.Equal(["aspire-manifest.json"], Directory.EnumerateFiles(manifestOnly, "*", SearchOption.AllDirectories).Select(Path.GetFileName));
        }
        finally
        {
            foreach (var directory in new[] { all, manifestOnly })
                if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("PLESK_SERVER_IP", "203.0.113", "environments.production.appServerIp: '203.0.113' (from environment variable PLESK_SERVER_IP) is not a usable address")]
    [InlineData("PLESK_SERVER_IP", "2001:db8::10", "IPv6 is not supported by the generated firewall files")]
    [InlineData("ADMIN_IP_1", "198.51.100.7:22", "(from environment variable ADMIN_IP_1) is not a usable address")]
    [InlineData("ADMIN_IP_2", "0.0.0.0/0", "(from environment variable ADMIN_IP_2) is not a usable address")]
    [InlineData("MYSQL_PORT", "33o6", "environments.production.servers.external-mariadb.port: '33o6' (from environment variable MYSQL_PORT) is not a port")]
    [InlineData("PG_ADMIN_USER", "admin user", "cannot be written into pg_hba.conf")]
    public async Task Malformed_input_is_named_with_its_fix_and_nothing_is_written(string variable, string value, string expected)
    {
        var variables = new Dictionary<string, string>(PublishedEstate.ProductionVariables) { [variable] = value };
        var directory = PublishedEstate.NewDirectory();
        var (exit, output) = await RunCommandAsync(variables, "publish", "--output-path", directory, "--estate", PublishedEstate.EstatePath);
        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Contains("nothing was written", output, StringComparison.Ordinal);
        Assert.Contains(PublishedEstate.EstatePath, output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory), "a failed publish must not create the output directory");
    }

    [Fact]
    public async Task Unknown_environment_and_file_as_output_are_refused_clearly()
    {
        var directory = PublishedEstate.NewDirectory();
        var (exit, output) = await RunCommandAsync(PublishedEstate.ProductionVariables, "publish", "-e", "prod", "--output-path", directory, "--estate", PublishedEstate.EstatePath);
        Assert.Equal(PublishCommand.InvalidInput, exit);
        Assert.Contains($"publish refused: environment 'prod' is not defined in {PublishedEstate.EstatePath}. Publish one of: staging, production", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));

        var file = Path.GetTempFileName();
        try
        {
            (exit, output) = await RunCommandAsync(PublishedEstate.ProductionVariables, "publish", "--output-path", file, "--estate", PublishedEstate.EstatePath);
            Assert.Equal(1, exit);
            Assert.Contains("is a file; give a directory", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }

        (exit, output) = await RunCommandAsync(PublishedEstate.ProductionVariables, "publish", "--publisher", "helm", "--output-path", directory);
        Assert.NotEqual(0, exit);
        Assert.Contains("helm", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_local_environment_is_refused_with_exit_3_naming_the_environments_to_publish_and_nothing_is_written()
    {
        var directory = PublishedEstate.NewDirectory();
        var (exit, output) = await RunCommandAsync(PublishedEstate.ProductionVariables, "publish", "--environment", "local", "--output-path", directory, "--estate", PublishedEstate.EstatePath);

        Assert.Equal(PublishCommand.InvalidInput, exit);
        Assert.Contains("publish refused: environment 'local' is local: its servers run under the AppHost (`dotnet run --project AppHost`)", output, StringComparison.Ordinal);
        Assert.Contains("--environment staging or --environment production", output, StringComparison.Ordinal);
        Assert.DoesNotContain("KeyNotFound", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task A_broken_or_missing_estate_is_reported_with_its_position_and_nothing_is_written()
    {
        var directory = PublishedEstate.NewDirectory();
        var broken = Path.Combine(Path.GetTempPath(), $"rollout-broken-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(PublishedEstate.EstatePath)).Replace("engine: postgresql", "engine: postgres", StringComparison.Ordinal));
        try
        {
            var (exit, output) = await RunCommandAsync(PublishedEstate.ProductionVariables, "publish", "--output-path", directory, "--estate", broken);
            Assert.Equal(1, exit);
            Assert.Contains("publish failed:", output, StringComparison.Ordinal);
            Assert.Contains(broken + ":", output, StringComparison.Ordinal);
            Assert.Contains("postgres", output, StringComparison.Ordinal);

            (exit, output) = await RunCommandAsync(PublishedEstate.ProductionVariables, "publish", "--output-path", directory, "--estate", broken + ".missing");
            Assert.Equal(1, exit);
            Assert.Contains("does not exist", output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(directory));
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public async Task Unset_addresses_become_placeholders_with_a_warning_naming_the_variables()
    {
        var directory = PublishedEstate.NewDirectory();
        try
        {
            var (exit, output) = await RunCommandAsync(new Dictionary<string, string>(), "publish", "--output-path", directory, "--estate", PublishedEstate.EstatePath);
            Assert.Equal(0, exit);
            Assert.Contains("warning: PLESK_SERVER_IP, ADMIN_IP_1, PG_ADMIN_USER unset", output, StringComparison.Ordinal);
            var readme = await File.ReadAllTextAsync(Path.Combine(directory, "README.md"));
            Assert.Contains("`UNSET_PLESK_SERVER_IP`: set `PLESK_SERVER_IP`", readme, StringComparison.Ordinal);
            Assert.Contains("UNSET_PLESK_SERVER_IP/32", await File.ReadAllTextAsync(Path.Combine(directory, "hosts/external-postgres/pg_hba.conf")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs the real command (as Program.cs wires it) with the given environment variables; returns exit code and stdout+stderr.</summary>
    internal static async Task<(int Exit, string Output)> RunCommandAsync(IReadOnlyDictionary<string, string> variables, params string[] args)
    {
        var root = new RootCommand { new PublishCommand(name => variables.GetValueOrDefault(name)) };
        var output = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        return (exit, output.ToString());
    }
}
