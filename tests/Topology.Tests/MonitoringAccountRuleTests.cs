using Rollout.Topology.Loading;
using Rollout.Topology.Model;
using Rollout.Topology.Secrets;
using static Rollout.Topology.Tests.EstateFile;

namespace Rollout.Topology.Tests;

/// <summary>monitoring.account of rollout.yaml: read, defaulted, refused where it is no account of its own; its secret names.</summary>
public class MonitoringAccountRuleTests
{
    [Fact]
    public void The_estate_declares_rollout_monitor_and_its_password_per_managed_server()
    {
        var estate = Load();
        Assert.Equal("rollout_monitor", estate.Monitoring.Account);
        var staging = estate.Environment("staging");
        Assert.Equal(["EXTERNAL_MARIADB_MONITOR_PASS", "EXTERNAL_POSTGRES_MONITOR_PASS", "REDIS_MONITOR_PASS"],
            MonitoringSecrets.MonitoredServers(estate, staging).Select(MonitoringSecrets.AccountPassword));
        Assert.True(SecretCatalogue.For(estate, staging).Find("REDIS_MONITOR_PASS")!.IsCredential);
    }

    [Fact]
    public void Without_the_section_the_account_is_rollout_monitor()
    {
        var estate = EstateLoader.LoadText(With("monitoring:\n  account: rollout_monitor\n", ""), "rollout.yaml");
        Assert.Equal(MonitoringPolicy.DefaultAccount, estate.Monitoring.Account);
    }

    [Theory]
    [InlineData("Rollout-Monitor", "may use only lower-case letters, digits and _")]
    [InlineData("rollout_backup", "is also backup.account")]
    [InlineData("svc_crm", "is the service user of mo_crm")]
    public void An_account_that_is_not_its_own_is_refused_at_its_line(string name, string expected)
    {
        var yaml = With("  account: rollout_monitor", $"  account: {name}");
        var error = SingleError(yaml, "monitoring.account", expected);
        Assert.Equal(LineOf(yaml, "\nmonitoring:") + 2, error.Line);
    }

    [Fact]
    public void An_unknown_key_in_the_section_is_refused()
    {
        var errors = Errors(With("  account: rollout_monitor", "  account: rollout_monitor\n  acount: x"));
        Assert.Contains(errors, e => e.Path == "monitoring.acount" && e.Message.Contains("unknown key", StringComparison.Ordinal));
    }
}
