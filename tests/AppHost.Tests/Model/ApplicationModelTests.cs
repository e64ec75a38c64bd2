using Rollout.AppHost.Local.MariaDb;
using Rollout.AppHost.Model;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Tests.Model;

public sealed class ApplicationModelTests
{
    private static RolloutApplicationBuilder Builder()
    {
        var estate = Topology.Loading.EstateLoader.LoadFile(Topology.Loading.EstateLoader.Locate(AppContext.BaseDirectory));
        var builder = new RolloutApplicationBuilder(estate, estate.Environment("local"));
        builder.AddEstate();
        return builder;
    }

    [Fact]
    public void The_model_holds_the_local_environments_servers_databases_and_password_parameters()
    {
        var model = Builder().Model;
        Assert.Equal(["plesk", "external-mariadb", "external-postgres", "redis"], model.Servers.Select(s => s.Name));
        Assert.Equal(17, model.Databases.Count());
        Assert.Equal(5, ((ServerResource)model["plesk"]).Databases.Count);
        Assert.Null(((ServerResource)model["plesk"]).AdminPassword);
        Assert.Null(((ServerResource)model["redis"]).AdminPassword);
        Assert.Equal("ROLLOUT_ADMIN_PASS_EXTERNAL_MARIADB", ((ServerResource)model["external-mariadb"]).AdminPassword!.SecretName);
        Assert.Equal("PG_IDP_DB_PASS", ((DatabaseResource)model["mo_idp"]).Password.SecretName);
        Assert.Equal("docker.io/library/postgres:15", ((ServerResource)model["external-postgres"]).ImageReference);
        Assert.Equal(3306, ((ServerResource)model["plesk"]).TargetPort);
    }

    [Fact]
    public void A_connection_string_renders_as_manifest_placeholders_with_the_service_user()
    {
        var model = Builder().Model;
        Assert.Equal(
            "Server={external-mariadb.bindings.tcp.host};Port={external-mariadb.bindings.tcp.port};User ID=svc_crm;Password={svc-crm-password.value};Database=mo_crm;SslMode=Required",
            ((DatabaseResource)model["mo_crm"]).ConnectionStringExpression.ValueExpression);
        Assert.Equal(
            "Host={external-postgres.bindings.tcp.host};Port={external-postgres.bindings.tcp.port};Username=rollout_admin;Password={external-postgres-password.value};SSL Mode=Require",
            ((ServerResource)model["external-postgres"]).ConnectionStringExpression.ValueExpression);
        Assert.Equal("Server={plesk.bindings.tcp.host};Port={plesk.bindings.tcp.port};SslMode=Required",
            ((ServerResource)model["plesk"]).ConnectionStringExpression.ValueExpression);
        Assert.Equal("{redis.bindings.tcp.host}:{redis.bindings.tcp.port},ssl=true", ((ServerResource)model["redis"]).ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task The_same_expression_evaluates_locally_and_masks_the_secret()
    {
        var database = (DatabaseResource)Builder().Model["mo_n8n"];
        database.Parent.Endpoint.Allocate("127.0.0.1", 40001);
        database.Password.BindValue(_ => ValueTask.FromResult(new Secret("s3cr3t=;")));
        Assert.Equal("Server=127.0.0.1;Port=40001;User ID=svc_n8n;Password=s3cr3t=;;Database=mo_n8n;SslMode=Required",
            await database.ConnectionStringExpression.GetValueAsync(CancellationToken.None));
        Assert.Equal($"Server=127.0.0.1;Port=40001;User ID=svc_n8n;Password={Secret.Mask};Database=mo_n8n;SslMode=Required",
            await database.ConnectionStringExpression.GetMaskedValueAsync(CancellationToken.None));
    }

    [Fact]
    public void An_unallocated_endpoint_says_so()
    {
        var server = (ServerResource)Builder().Model["external-mariadb"];
        var error = Assert.Throws<InvalidOperationException>(() => server.Endpoint.Host.GetValueAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult());
        Assert.Equal("The endpoint of 'external-mariadb' is not allocated yet: it has no host and port before the resource starts.", error.Message);
    }

    [Fact]
    public void Duplicate_resource_names_are_refused()
    {
        var builder = Builder();
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddProject("mo_crm", "x.csproj"));
        Assert.Equal("A resource named 'mo_crm' already exists in the application model.", error.Message);
    }

    [Theory]
    [InlineData("mo_main", "`mo\\_main`")]
    [InlineData("a%b", "`a\\%b`")]
    [InlineData("we`ird", "`we``ird`")]
    public void Grant_database_patterns_escape_wildcards(string name, string expected) =>
        Assert.Equal(expected, MariaDbSql.GrantDatabase(name));
}
