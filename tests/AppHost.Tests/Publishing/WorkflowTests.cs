using System.Text.RegularExpressions;
using Rollout.AppHost.Publishing.Secrets;
using Rollout.AppHost.Publishing.Workflows;
using YamlDotNet.RepresentationModel;

namespace Rollout.AppHost.Tests.Publishing;

public sealed partial class WorkflowTests
{
    [GeneratedRegex(@"\$\{\{\s*secrets\.(?<name>[A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex SecretReference();

    private static YamlMappingNode Load(string text)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static YamlMappingNode Jobs(YamlMappingNode workflow) => (YamlMappingNode)workflow["jobs"];

    [ToolFact("action-validator", "npm install -g @action-validator/cli@0.6.0")]
    public async Task Action_validator_accepts_every_workflow()
    {
        using var published = await PublishedEstate.PublishAsync();
        foreach (var file in new[] { WorkflowWriter.RolloutFile, WorkflowWriter.NightlyFile })
        {
            var result = await ProcessRunner.RunAsync("action-validator", [published.PathOf(file)]);
            Assert.True(result.ExitCode == 0, $"{file}: {result.All}");
        }
    }

    [Fact]
    public async Task Every_secret_a_job_names_is_in_its_environments_catalogue_and_every_catalogue_secret_is_used()
    {
        using var published = await PublishedEstate.PublishAsync();
        var estate = PublishedEstate.Estate;
        foreach (var file in new[] { WorkflowWriter.RolloutFile, WorkflowWriter.NightlyFile })
        {
            foreach (var (id, jobNode) in Jobs(Load(published.Text(file))).Children)
            {
                var job = (YamlMappingNode)jobNode;
                var environment = estate.Environments.Single(e => e.Github?.Environment == job["environment"].ToString());
                var catalogue = SecretCatalogue.For(estate, environment);
                var named = SecretReference().Matches(Serialize(job)).Select(m => m.Groups["name"].Value).ToHashSet();
                Assert.All(named, name => Assert.True(catalogue.Contains(name), $"{file} job {id} names secret {name}, which the {environment.Name} catalogue does not have"));
                Assert.All(catalogue.Names, name => Assert.True(named.Contains(name) || name == environment.Deploy?.SshTargetDir.VariableName,
                    $"{file} job {id} never passes {name}"));
                Assert.Contains("MO_CRM_DB_PASS", named);
                Assert.Contains("PG_IDP_DB_PASS", named);
                Assert.Contains("MYSQL_HOST", named);
                // The backup secrets of the catalogue: the Provisioner plans the dump accounts with their passwords.
                Assert.Contains("EXTERNAL_MARIADB_BACKUP_PASS", named);
                Assert.Contains("BACKUP_REPOSITORY_PASSWORD", named);
                Assert.Contains(SecretCatalogue.SshPrivateKey, named);
            }
        }
    }

    [Fact]
    public async Task Production_runs_after_staging_passed_behind_its_environment_and_smoke_uploads_junit()
    {
        using var published = await PublishedEstate.PublishAsync();
        var jobs = Jobs(Load(published.Text(WorkflowWriter.RolloutFile)));
        Assert.Equal(["provision-staging", "smoke-staging", "provision-production", "smoke-production"], jobs.Children.Keys.Select(k => k.ToString()));
        var production = (YamlMappingNode)jobs["provision-production"];
        Assert.Equal("production", production["environment"].ToString());
        Assert.Equal("smoke-staging", production["needs"].ToString());
        Assert.Equal("provision-production", ((YamlMappingNode)jobs["smoke-production"])["needs"].ToString());

        var nightly = Load(published.Text(WorkflowWriter.NightlyFile));
        Assert.Equal(WorkflowWriter.NightlyCron, ((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)nightly["on"])["schedule"])[0])["cron"].ToString());
        foreach (var (_, jobNode) in Jobs(nightly).Children)
        {
            var steps = ((YamlSequenceNode)((YamlMappingNode)jobNode)["steps"]).Cast<YamlMappingNode>().ToList();
            var smoke = steps.Single(s => s.Children.ContainsKey("run") && s["run"].ToString().Contains("SmokeRunner", StringComparison.Ordinal));
            var report = Regex.Match(smoke["run"].ToString(), @"--junit (?<file>\S+)").Groups["file"].Value;
            var upload = steps.Single(s => s.Children.ContainsKey("uses") && s["uses"].ToString().StartsWith("actions/upload-artifact@", StringComparison.Ordinal));
            Assert.Equal(report, ((YamlMappingNode)upload["with"])["path"].ToString());
            Assert.Equal("always()", upload["if"].ToString());
        }
    }

    private static string Serialize(YamlNode node)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
