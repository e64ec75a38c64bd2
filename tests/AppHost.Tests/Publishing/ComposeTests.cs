using Rollout.AppHost.Publishing;
using Rollout.AppHost.Publishing.Compose;
using YamlDotNet.RepresentationModel;

namespace Rollout.AppHost.Tests.Publishing;

public sealed class ComposeTests
{
    /// <summary>A filled-in .env for the validator: test values only, shaped like the real ones.</summary>
    private static string FilledEnv(string template) => string.Join("\n", template.Split('\n').Select(line =>
        line.EndsWith('=') && !line.StartsWith('#') ? line + TestValue(line.TrimEnd('=')) : line));

    private static string TestValue(string name) => name switch
    {
        _ when name.EndsWith("_PORT", StringComparison.Ordinal) => "3306",
        _ when name.Contains("_IP", StringComparison.Ordinal) => "203.0.113.10",
        _ when name.EndsWith("_IMAGE", StringComparison.Ordinal) => "registry.test/rollout:1",
        _ => "test-value",
    };

    [Theory]
    [InlineData("production")]
    [InlineData("staging")]
    public async Task Docker_compose_config_accepts_the_file_once_env_is_filled(string environment)
    {
        using var published = await PublishedEstate.PublishAsync(environment);
        var env = published.PathOf("filled.env");
        await File.WriteAllTextAsync(env, FilledEnv(published.Text(ComposeWriter.EnvFileName)));
        var result = await ProcessRunner.RunAsync("docker-compose", ["--env-file", env, "-f", published.PathOf(ComposeWriter.FileName), "config", "-q"],
            workingDirectory: published.Directory);
        Assert.True(result.ExitCode == 0, result.All);
    }

    [Fact]
    public async Task The_unfilled_env_template_is_refused_naming_the_missing_secret()
    {
        using var published = await PublishedEstate.PublishAsync();
        var result = await ProcessRunner.RunAsync("docker-compose", ["-f", published.PathOf(ComposeWriter.FileName), "config", "-q"], workingDirectory: published.Directory);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("is not set: fill it in .env", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_template_lists_every_variable_of_the_compose_file_without_any_value()
    {
        using var published = await PublishedEstate.PublishAsync();
        var compose = published.Text(ComposeWriter.FileName);
        var template = published.Text(ComposeWriter.EnvFileName);
        var assignments = template.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.All(assignments, line => Assert.Matches("^[A-Z][A-Z0-9_]*=$", line));
        var used = System.Text.RegularExpressions.Regex.Matches(compose, @"\$\{(?<name>[A-Z][A-Z0-9_]*)[:}]").Select(m => m.Groups["name"].Value).Distinct();
        Assert.Equal(used.Order(), assignments.Select(a => a.TrimEnd('=')).Order());
        Assert.Contains("MO_CRM_DB_PASS=", assignments);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(published.PathOf(ComposeWriter.EnvFileName)));
    }

    [Fact]
    public async Task One_shot_services_wait_for_healthy_servers_and_for_each_other()
    {
        using var published = await PublishedEstate.PublishAsync("staging");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(published.Text(ComposeWriter.FileName)));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        var servers = PublishedEstate.Estate.EnabledServers(PublishedEstate.Estate.Environment("staging")).Where(s => !s.Existing).Select(s => s.Name).ToList();
        Assert.Equal(3, servers.Count);
        foreach (var server in servers)
        {
            var service = (YamlMappingNode)services[server];
            Assert.True(service.Children.ContainsKey("healthcheck"), $"{server} has no healthcheck");
            Assert.Contains($"{server}-data:", ((YamlSequenceNode)service["volumes"])[0].ToString(), StringComparison.Ordinal);
        }
        string Condition(string service, string dependency) =>
            ((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)services[service])["depends_on"])[dependency])["condition"].ToString();
        Assert.All(servers, s => Assert.Equal("service_healthy", Condition("provisioner", s)));
        Assert.Equal("service_completed_successfully", Condition("smokerunner", "provisioner"));
        Assert.Equal("no", ((YamlMappingNode)services["provisioner"])["restart"].ToString());
        Assert.Contains("--junit", ((YamlSequenceNode)((YamlMappingNode)services["smokerunner"])["command"]).Select(n => n.ToString()));
    }
}
