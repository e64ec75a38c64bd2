using System.Globalization;
using Rollout.SmokeRunner.Tests.Fixtures;

namespace Rollout.SmokeRunner.Tests;

/// <summary>The CI path: `--env staging` binds from environment variables and reads every password from them.</summary>
[Collection(ProvisionedEstateCollection.Name)]
public class RemoteEnvironmentTests(ProvisionedEstateFixture estate)
{
    private async Task<Dictionary<string, string>> StagingVariablesAsync()
    {
        string Port(string server) => estate.Binding.Servers[server].Port.ToString(CultureInfo.InvariantCulture);
        var ca = estate.Binding.Servers["external-mariadb"].CaFile!;
        var variables = new Dictionary<string, string>
        {
            ["PLESK_SERVER_IP"] = "127.0.0.1",
            ["ADMIN_IP_1"] = "127.0.0.1",
            ["PLESK_MYSQL_HOST"] = "127.0.0.1",
            ["PLESK_MYSQL_PORT"] = Port("plesk"),
            ["MYSQL_HOST"] = "127.0.0.1",
            ["MYSQL_PORT"] = Port("external-mariadb"),
            ["MYSQL_ADMIN_USER"] = estate.Binding.Servers["external-mariadb"].AdminUser!,
            ["MYSQL_ADMIN_PASS"] = estate.Binding.Servers["external-mariadb"].AdminPassword!.Reveal(),
            ["MYSQL_CA_FILE"] = ca,
            ["PG_HOST"] = "127.0.0.1",
            ["PG_PORT"] = Port("external-postgres"),
            ["PG_ADMIN_USER"] = estate.Binding.Servers["external-postgres"].AdminUser!,
            ["PG_ADMIN_PASS"] = estate.Binding.Servers["external-postgres"].AdminPassword!.Reveal(),
            ["PG_CA_FILE"] = ca,
            ["REDIS_HOST"] = "127.0.0.1",
            ["REDIS_PORT"] = Port("redis"),
        };
        foreach (var database in estate.Binding.Databases)
            variables[database.PasswordSecretName] = (await estate.Secrets.GetAsync(database.PasswordSecretName, CancellationToken.None))!.Reveal();
        return variables;
    }

    [Fact]
    public async Task Staging_reads_endpoints_and_passwords_from_environment_variables()
    {
        var variables = await StagingVariablesAsync();
        var output = new StringWriter();
        var error = new StringWriter();
        foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
        try
        {
            await Cli.SmokeCli.RunAsync(["--env", "staging", "--estate", estate.EstatePath, "--output", "json"], output, error, CancellationToken.None);
        }
        finally
        {
            foreach (var name in variables.Keys) Environment.SetEnvironmentVariable(name, null);
        }

        var report = new SmokeJson(output.ToString());
        Assert.Empty(report.FailedBeyondLatency);
        Assert.Equal(17, report.Checks.Count(c => c.Kind == "connectivity" && c.Result == "passed"));
        foreach (var secret in variables.Where(v => v.Key.EndsWith("_PASS", StringComparison.Ordinal)).Select(v => v.Value))
            Assert.DoesNotContain(secret, output.ToString() + error);
    }

    [Fact]
    public async Task A_password_missing_from_the_environment_names_the_variable()
    {
        var variables = await StagingVariablesAsync();
        variables.Remove("PG_IDP_DB_PASS");
        var output = new StringWriter();
        foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
        try
        {
            var exit = await Cli.SmokeCli.RunAsync(["--env", "staging", "--estate", estate.EstatePath, "--output", "json"], output, new StringWriter(), CancellationToken.None);
            Assert.Equal(1, exit);
        }
        finally
        {
            foreach (var name in variables.Keys) Environment.SetEnvironmentVariable(name, null);
        }

        var connectivity = new SmokeJson(output.ToString()).Single("connectivity", "login and SELECT 1", "mo_idp");
        Assert.Equal("failed", connectivity.Result);
        Assert.StartsWith("secret PG_IDP_DB_PASS (password of svc_idp) is not in environment variables", connectivity.Detail);
    }
}
