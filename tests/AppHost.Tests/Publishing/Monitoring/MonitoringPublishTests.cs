using System.Text;
using System.Text.Json;
using Rollout.AppHost.Publishing;
using Rollout.AppHost.Publishing.Monitoring;
using YamlDotNet.RepresentationModel;

namespace Rollout.AppHost.Tests.Publishing.Monitoring;

/// <summary>`publish` writes the production side of monitoring; the real tools check what they can, the rest is checked for shape.</summary>
public sealed class MonitoringPublishTests
{
    private const string Dir = MonitoringWriter.Directory;

    private static readonly Dictionary<string, string> Variables = new(PublishedEstate.ProductionVariables)
    {
        ["PG_HOST"] = "pg.example.net",
        ["MYSQL_HOST"] = "mariadb.example.net",
        // Secrets a careless generator could copy: none may appear in any monitoring file.
        ["PG_ADMIN_PASS"] = "pg-admin-secret-Q1",
        ["MYSQL_ADMIN_PASS"] = "mysql-admin-secret-Q2",
        ["PG_GRAFANA_DB_PASS"] = "grafana-db-secret-Q3",
    };

    [ToolFact("promtool", "apt-get install prometheus")]
    public async Task Promtool_accepts_the_published_prometheus_config_and_its_rule_tests_pass()
    {
        using var published = await PublishedEstate.PublishAsync(variables: Variables);

        var check = await ProcessRunner.RunAsync("promtool", ["check", "config", published.PathOf($"{Dir}/prometheus/{PrometheusConfig.FileName}")]);
        Assert.True(check.ExitCode == 0, check.All);
        Assert.Contains($"SUCCESS: {PublishedEstate.Estate.Alerts.Count + 1} rules found", check.All);

        var test = await ProcessRunner.RunAsync("promtool", ["test", "rules", AlertRuleTests.FileName], workingDirectory: published.PathOf($"{Dir}/prometheus"));
        Assert.True(test.ExitCode == 0, test.All);
    }

    [Fact]
    public async Task Prometheus_scrapes_the_probe_and_one_exporter_per_new_server_labelled_with_the_server()
    {
        using var published = await PublishedEstate.PublishAsync(variables: Variables);
        var config = published.Text($"{Dir}/prometheus/{PrometheusConfig.FileName}");

        Assert.Contains("job_name: rollout-probe", config);
        Assert.Contains("targets: [\"127.0.0.1:9470\"]", config);
        Assert.Contains("targets: [\"127.0.0.1:9104\"]\n        labels: { server: \"external-mariadb\" }", config);
        Assert.Contains("targets: [\"127.0.0.1:9187\"]\n        labels: { server: \"external-postgres\" }", config);
        Assert.Contains("targets: [\"pg.example.net:9100\"]", config);
        // Production has no Redis and the Plesk host is never given a monitoring account.
        Assert.DoesNotContain("job_name: redis", config);
        Assert.DoesNotContain("plesk", config);
    }

    [ToolFact("amtool", "apt-get install prometheus-alertmanager")]
    public async Task Amtool_accepts_the_alertmanager_config_and_routes_critical_alerts_to_the_n8n_webhook()
    {
        using var published = await PublishedEstate.PublishAsync(variables: Variables);
        var path = published.PathOf($"{Dir}/alertmanager/{AlertmanagerConfig.FileName}");

        var check = await ProcessRunner.RunAsync("amtool", ["check-config", path]);
        Assert.True(check.ExitCode == 0, check.All);
        var route = await ProcessRunner.RunAsync("amtool", ["config", "routes", "test", $"--config.file={path}",
            $"--verify.receivers={AlertmanagerConfig.ReceiverName}", "severity=critical", "alertname=ConnectionFailure"]);
        Assert.True(route.ExitCode == 0, route.All);
        var text = published.Text($"{Dir}/alertmanager/{AlertmanagerConfig.FileName}");
        Assert.Contains("url: \"http://127.0.0.1:5678/webhook/rollout-alerts\"", text);
        Assert.Contains("credentials_file:", text);
    }

    [ToolFact("amtool", "apt-get install prometheus-alertmanager")]
    public async Task Amtool_refuses_a_config_whose_route_names_no_receiver()
    {
        using var published = await PublishedEstate.PublishAsync(variables: Variables);
        var path = published.PathOf($"{Dir}/alertmanager/{AlertmanagerConfig.FileName}");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace($"  - name: {AlertmanagerConfig.ReceiverName}", "  - name: elsewhere", StringComparison.Ordinal));

        var check = await ProcessRunner.RunAsync("amtool", ["check-config", path]);

        Assert.NotEqual(0, check.ExitCode);
        Assert.Contains("undefined receiver", check.All);
    }

    [Fact]
    public async Task Grafana_is_provisioned_with_prometheus_and_mo_grafana_through_svc_grafana_without_a_password()
    {
        using var published = await PublishedEstate.PublishAsync(variables: Variables);

        var sources = Yaml(published.Text($"{Dir}/{GrafanaProvisioning.DataSourcesFile}"));
        Assert.Equal("1", Scalar(sources, "apiVersion"));
        var source = (YamlMappingNode)((YamlSequenceNode)sources["datasources"]).Children.Single();
        Assert.Equal("prometheus", Scalar(source, "type"));
        Assert.Equal(GrafanaProvisioning.DataSourceUid, Scalar(source, "uid"));
        Assert.Equal(MonitoringWriter.PrometheusUrl, Scalar(source, "url"));

        var provider = (YamlMappingNode)((YamlSequenceNode)Yaml(published.Text($"{Dir}/{GrafanaProvisioning.DashboardProviderFile}"))["providers"]).Children.Single();
        Assert.Equal("file", Scalar(provider, "type"));
        Assert.Equal(GrafanaProvisioning.DashboardsPath, Scalar((YamlMappingNode)provider["options"], "path"));

        var env = published.Text($"{Dir}/{GrafanaProvisioning.EnvironmentFile}");
        Assert.Contains("GF_DATABASE_TYPE=postgres\n", env);
        Assert.Contains("GF_DATABASE_HOST=pg.example.net:5432\n", env);
        Assert.Contains("GF_DATABASE_NAME=mo_grafana\n", env);
        Assert.Contains("GF_DATABASE_USER=svc_grafana\n", env);
        Assert.Contains("GF_DATABASE_SSL_MODE=verify-full\n", env);
        Assert.Contains($"GF_DATABASE_PASSWORD__FILE={GrafanaProvisioning.PasswordFile}\n", env);
        Assert.DoesNotContain("GF_DATABASE_PASSWORD=", env);
    }

    [Fact]
    public async Task The_dashboard_covers_the_plans_topics_and_every_panel_reads_the_provisioned_prometheus()
    {
        using var published = await PublishedEstate.PublishAsync(variables: Variables);
        using var dashboard = JsonDocument.Parse(published.Text($"{Dir}/{GrafanaDashboard.FileName}"));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();

        Assert.Equal(GrafanaDashboard.Uid, dashboard.RootElement.GetProperty("uid").GetString());
        var titles = string.Join(" | ", panels.Select(p => p.GetProperty("title").GetString()));
        foreach (var topic in new[] { "Availability", "Latency", "Connections", "Slow queries", "sizes", "TLS", "Failed logins", "backup" })
            Assert.Contains(topic, titles, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        Assert.All(panels, panel =>
        {
            Assert.Equal(GrafanaProvisioning.DataSourceUid, panel.GetProperty("datasource").GetProperty("uid").GetString());
            var target = panel.GetProperty("targets").EnumerateArray().Single();
            Assert.False(string.IsNullOrWhiteSpace(target.GetProperty("expr").GetString()));
        });
    }

    /// <summary>promtool parses every panel's PromQL (as recording rules): a typo in a dashboard query fails here.</summary>
    [ToolFact("promtool", "apt-get install prometheus")]
    public async Task Every_dashboard_query_is_valid_promql()
    {
        var directory = Directory.CreateTempSubdirectory("rollout-dashboard-promql-").FullName;
        try
        {
            var rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
            for (var i = 0; i < GrafanaDashboard.Panels.Count; i++)
                rules.Append($"      - record: rollout:panel_{i}\n        expr: {AlertRules.Quote(GrafanaDashboard.Panels[i].Expression)}\n");
            var path = Path.Combine(directory, "panels.yml");
            await File.WriteAllTextAsync(path, rules.ToString());

            var check = await ProcessRunner.RunAsync("promtool", ["check", "rules", path]);

            Assert.True(check.ExitCode == 0, check.All);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_n8n_workflow_is_a_connected_importable_workflow_from_webhook_to_slack_and_email()
    {
        using var published = await PublishedEstate.PublishAsync(variables: Variables);
        using var workflow = JsonDocument.Parse(published.Text($"{Dir}/{N8nWorkflow.FileName}"));
        var root = workflow.RootElement;
        var nodes = root.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!);

        Assert.Equal("n8n-nodes-base.webhook", nodes["Alertmanager webhook"].GetProperty("type").GetString());
        Assert.Equal(N8nWorkflow.WebhookPath, nodes["Alertmanager webhook"].GetProperty("parameters").GetProperty("path").GetString());
        Assert.Equal("n8n-nodes-base.httpRequest", nodes["Slack"].GetProperty("type").GetString());
        Assert.Equal("n8n-nodes-base.emailSend", nodes["E-mail"].GetProperty("type").GetString());
        Assert.Equal(N8nWorkflow.SmtpCredentialName, nodes["E-mail"].GetProperty("credentials").GetProperty("smtp").GetProperty("name").GetString());
        foreach (var source in root.GetProperty("connections").EnumerateObject())
        {
            Assert.Contains(source.Name, nodes.Keys);
            foreach (var target in source.Value.GetProperty("main").EnumerateArray().SelectMany(o => o.EnumerateArray()))
                Assert.Contains(target.GetProperty("node").GetString()!, nodes.Keys);
        }
        Assert.Equal(["Format messages"], Targets(root, "Alertmanager webhook"));
        Assert.Equal(["Slack", "E-mail"], Targets(root, "Format messages"));
        Assert.Equal("v1", root.GetProperty("settings").GetProperty("executionOrder").GetString());
        // The Slack URL is read from n8n's environment, never written into the workflow.
        Assert.Contains(N8nWorkflow.SlackUrlVariable, nodes["Slack"].GetProperty("parameters").GetProperty("url").GetString());
        Assert.DoesNotContain("hooks.slack.com", published.Text($"{Dir}/{N8nWorkflow.FileName}"));
    }

    [Fact]
    public async Task No_secret_reaches_a_monitoring_file_and_two_publishes_are_byte_identical()
    {
        using var first = await PublishedEstate.PublishAsync(variables: Variables);
        using var second = await PublishedEstate.PublishAsync(variables: Variables);
        var files = first.Files.Where(f => f.RelativePath.StartsWith(Dir + "/", StringComparison.Ordinal)).ToList();

        Assert.Equal(9, files.Count);
        foreach (var file in files)
        {
            var text = first.Text(file.RelativePath);
            foreach (var secret in new[] { "pg-admin-secret-Q1", "mysql-admin-secret-Q2", "grafana-db-secret-Q3" })
                Assert.DoesNotContain(secret, text);
            Assert.Equal(text, second.Text(file.RelativePath));
        }
    }

    private static string[] Targets(JsonElement root, string source) =>
        root.GetProperty("connections").GetProperty(source).GetProperty("main").EnumerateArray()
            .SelectMany(o => o.EnumerateArray()).Select(t => t.GetProperty("node").GetString()!).ToArray();

    private static YamlMappingNode Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string? Scalar(YamlMappingNode map, string key) => ((YamlScalarNode)map[key]).Value;
}
