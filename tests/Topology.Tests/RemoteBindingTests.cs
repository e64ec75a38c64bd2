using Rollout.Topology.Binding;

namespace Rollout.Topology.Tests;

public class RemoteBindingTests
{
    private static readonly Dictionary<string, string> Production = new()
    {
        ["PLESK_SERVER_IP"] = "203.0.113.10",
        ["ADMIN_IP_1"] = "198.51.100.7",
        ["MYSQL_HOST"] = "db-mariadb.example.net",
        ["MYSQL_ADMIN_USER"] = "admin",
        ["MYSQL_ADMIN_PASS"] = "s3cret-admin-value",
        ["PG_HOST"] = "db-postgres.example.net",
        ["PG_PORT"] = "6432",
        ["PG_ADMIN_USER"] = "postgres",
        ["PG_ADMIN_PASS"] = "s3cret-pg-value",
    };

    private static EnvironmentBinding Bind(IReadOnlyDictionary<string, string> variables, string environment = "production") =>
        RemoteEnvironmentBinder.Bind(EstateFile.Load(), environment, name => variables.GetValueOrDefault(name));

    [Fact]
    public void Binds_hosts_ports_and_admins_from_the_plans_variables()
    {
        var binding = Bind(Production);
        Assert.Equal("203.0.113.10", binding.AppServerIp.ToString());
        Assert.Equal(["198.51.100.7/32"], binding.AdminNetworks.Select(n => n.ToString()));
        var mariadb = binding.Servers["external-mariadb"];
        Assert.Equal(("db-mariadb.example.net", 3306, "admin"), (mariadb.Host, mariadb.Port, mariadb.AdminUser));
        Assert.Equal("s3cret-admin-value", mariadb.AdminPassword!.Reveal());
        Assert.Equal(6432, binding.Servers["external-postgres"].Port);
        Assert.Equal(("localhost", 3306), (binding.Servers["plesk"].Host, binding.Servers["plesk"].Port));
        Assert.Null(binding.Servers["plesk"].AdminUser);
        Assert.False(binding.Servers.ContainsKey("redis")); // production has redis: false
        Assert.Equal(17, binding.Databases.Count);
    }

    [Fact]
    public void Every_missing_variable_is_named_at_once()
    {
        var variables = new Dictionary<string, string>(Production);
        variables.Remove("MYSQL_HOST");
        variables.Remove("PG_ADMIN_PASS");
        var e = Assert.Throws<BindingException>(() => Bind(variables));
        Assert.Equal(2, e.Errors.Count);
        Assert.Contains(e.Errors, m => m.StartsWith("environments.production.servers.external-mariadb.host: environment variable MYSQL_HOST is not set"));
        Assert.Contains(e.Errors, m => m.StartsWith("environments.production.servers.external-postgres.adminPassword: environment variable PG_ADMIN_PASS is not set"));
    }

    [Fact]
    public void A_malformed_ip_or_port_names_the_variable_and_never_a_password()
    {
        var variables = new Dictionary<string, string>(Production) { ["PLESK_SERVER_IP"] = "203.0.113", ["PG_PORT"] = "54x2" };
        var e = Assert.Throws<BindingException>(() => Bind(variables));
        Assert.Contains("environments.production.appServerIp: '203.0.113' (from PLESK_SERVER_IP) is not an IP address", e.Message);
        Assert.Contains("environments.production.servers.external-postgres.port: '54x2' (from PG_PORT) is not a port (1-65535).", e.Message);
        Assert.DoesNotContain("s3cret", e.Message);
    }

    [Fact]
    public void A_managed_server_resolving_to_the_plesk_host_is_refused()
    {
        var variables = new Dictionary<string, string>(Production) { ["MYSQL_HOST"] = "LOCALHOST", ["MYSQL_PORT"] = "3306" };
        var e = Assert.Throws<BindingException>(() => Bind(variables));
        Assert.Equal("environments.production.servers: plesk and external-mariadb resolve to the same address localhost:3306; provisioning would touch the existing server 'plesk'.", Assert.Single(e.Errors));
    }

    [Fact]
    public void A_secret_never_prints_itself()
    {
        var password = Bind(Production).Servers["external-mariadb"].AdminPassword!;
        Assert.Equal("********", password.ToString());
        Assert.Equal("********", $"{password}");
        Assert.DoesNotContain("s3cret", Bind(Production).Servers["external-mariadb"].ToString());
        Assert.DoesNotContain("s3cret", System.Text.Json.JsonSerializer.Serialize(password));
    }
}
