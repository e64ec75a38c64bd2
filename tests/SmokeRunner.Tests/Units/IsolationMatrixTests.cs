using Rollout.SmokeRunner.Checks;
using Rollout.SmokeRunner.Checks.Isolation;
using Rollout.SmokeRunner.Engines;
using Rollout.SmokeRunner.Running;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Tests.Units;

public class IsolationMatrixTests
{
    private static IReadOnlyList<IsolationRow> Rows(string server)
    {
        var binding = StagingBinding.Bind();
        return IsolationMatrix.Plan(binding, server, SmokeEngines.For(binding.Servers[server].Engine).SystemDatabases);
    }

    [Fact]
    public void Every_user_of_the_estate_tries_every_other_database_of_its_server_and_the_system_databases()
    {
        var binding = StagingBinding.Bind();
        var total = 0;
        foreach (var server in binding.Servers.Values.Where(s => s.Server.IsDatabaseServer))
        {
            var databases = binding.DatabasesOn(server.Name).Select(d => d.Name).ToList();
            var system = SmokeEngines.For(server.Engine).SystemDatabases;
            foreach (var row in Rows(server.Name))
            {
                Assert.DoesNotContain(row.Own.Name, row.Targets);
                Assert.Equal(databases.Where(d => d != row.Own.Name).Concat(system).Order(), row.Targets.Order());
                total += row.Targets.Count;
            }
        }
        // plesk 5 × (4 + mysql), external-mariadb 9 × (8 + mysql), external-postgres 3 × (2 + postgres + template1).
        Assert.Equal(5 * 5 + 9 * 9 + 3 * 4, total);
    }

    [Fact]
    public void PostgreSql_rows_include_the_maintenance_database_and_template1()
    {
        var row = Rows("external-postgres").Single(r => r.Own.Name == "mo_idp");

        Assert.Equal(["mo_grafana", "mo_discourse", "postgres", "template1"], row.Targets);
    }

    [Fact]
    public void Assembling_marks_the_diagonal_own_and_an_unprobed_cell_undecided()
    {
        var databases = StagingBinding.Bind().DatabasesOn("external-postgres").ToList();
        var probed = new[]
        {
            new IsolationCell("svc_idp", "mo_grafana", CellState.Refused, "42501"),
            new IsolationCell("svc_idp", "postgres", CellState.Reached, "connected"),
        };

        var matrix = IsolationMatrix.Assemble("external-postgres", databases, ["postgres", "template1"], probed);

        Assert.Equal(3 * 5, matrix.Cells.Count);
        Assert.Equal(CellState.Own, matrix.Cell("svc_grafana", "mo_grafana")!.State);
        Assert.Equal(CellState.Refused, matrix.Cell("svc_idp", "mo_grafana")!.State);
        Assert.Equal(CellState.Error, matrix.Cell("svc_idp", "mo_discourse")!.State);
        Assert.Contains(matrix.Breaches, c => c is { User: "svc_idp", Database: "postgres", State: CellState.Reached });
    }

    [Fact]
    public void A_reached_database_fails_the_row_naming_the_pair()
    {
        var own = StagingBinding.Bind().Databases.Single(d => d.Name == "mo_crm");
        IsolationCell[] cells =
        [
            new("svc_crm", "mo_n8n", CellState.Reached, "USE mo_n8n succeeded as svc_crm"),
            new("svc_crm", "mo_hooks", CellState.Refused, "error 1044"),
        ];

        var verdict = SmokeRun.IsolationVerdict(own, cells, TimeSpan.Zero);

        Assert.Equal(Outcome.Failed, verdict.Outcome);
        Assert.Equal(CheckKind.Isolation, verdict.Kind);
        Assert.Contains("svc_crm REACHED mo_n8n", verdict.Detail);
        Assert.DoesNotContain("mo_hooks", verdict.Detail);
    }

    [Fact]
    public void Undecided_cells_fail_the_row_and_one_cause_is_said_once()
    {
        var own = StagingBinding.Bind().Databases.Single(d => d.Name == "mo_idp");
        var cells = new[] { "mo_grafana", "mo_discourse", "postgres" }
            .Select(t => new IsolationCell("svc_idp", t, CellState.Error, "Failed to connect to 127.0.0.1:5432")).ToList();

        var verdict = SmokeRun.IsolationVerdict(own, cells, TimeSpan.Zero);

        Assert.Equal(Outcome.Failed, verdict.Outcome);
        Assert.Equal("svc_idp → 3 databases not decided: Failed to connect to 127.0.0.1:5432", verdict.Detail);
    }

    [Fact]
    public void All_refused_passes_and_lists_what_was_tried()
    {
        var own = StagingBinding.Bind().Databases.Single(d => d.Name == "mo_idp");
        var cells = new[] { "mo_grafana", "postgres" }.Select(t => new IsolationCell("svc_idp", t, CellState.Refused, "42501")).ToList();

        var verdict = SmokeRun.IsolationVerdict(own, cells, TimeSpan.Zero);

        Assert.Equal(Outcome.Passed, verdict.Outcome);
        Assert.Equal("refused on all 2 other databases (mo_grafana, postgres)", verdict.Detail);
    }

    [Fact]
    public void Redis_has_no_isolation_row() =>
        Assert.Throws<NotSupportedException>(() => SmokeEngines.For(Engine.Redis));
}
