using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Rollout.Provisioner.Telemetry;
using Rollout.Provisioner.Tests.Infrastructure;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Tests.Integration;

/// <summary>
/// A real apply recorded by an in-memory exporter: one span for the command, one per executed statement under it with
/// the statement as printed, and no password, hash or verifier in any span.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TelemetryTests(ProvisionerStack stack) : IAsyncLifetime
{
    public Task InitializeAsync() => stack.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Apply_is_one_span_with_a_child_span_per_executed_statement_and_no_secret_in_any_of_them()
    {
        var spans = new List<Activity>();
        ProvisionerResult apply;
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource(ProvisionerTelemetry.Name).AddInMemoryExporter(spans).Build())
        {
            apply = await stack.LocalAsync("apply");
            tracing.ForceFlush();
        }
        Assert.True(apply.ExitCode == 0, apply.All);

        // Other test classes may run the Provisioner at the same time (other environments): this run is the local apply.
        var root = Assert.Single(spans, s => s.DisplayName == "provisioner apply" && s.GetTagItem("rollout.environment") as string == "local");
        Assert.Equal("local", root.GetTagItem("rollout.environment"));
        Assert.Equal(0, root.GetTagItem("process.exit.code"));
        var statements = spans.Where(s => s.ParentSpanId == root.SpanId && s.TraceId == root.TraceId).ToList();
        var executed = apply.Out.Split('\n').Count(l => l.StartsWith("executed [", StringComparison.Ordinal));
        Assert.True(executed > 30, apply.Out);
        Assert.Equal(executed, statements.Count);
        Assert.All(statements, s => Assert.Equal(ActivityKind.Client, s.Kind));
        Assert.Contains(statements, s => s.GetTagItem("db.system.name") as string == "postgresql");
        var createUser = Assert.Single(statements, s => (s.GetTagItem("db.query.text") as string ?? "").StartsWith("CREATE USER IF NOT EXISTS 'svc_crm'", StringComparison.Ordinal));
        Assert.Contains($"IDENTIFIED BY PASSWORD '{Secret.Mask}'", (string)createUser.GetTagItem("db.query.text")!);
        Assert.Equal("external-mariadb", createUser.GetTagItem("rollout.server"));

        // Every service password, and what the servers store for it, stays out of every span.
        var forbidden = new List<string>();
        foreach (var database in stack.Estate.Databases.Where(d => d.ServerName != ProvisionerStack.PleskName))
            if (await stack.Secrets.GetAsync(database.PasswordSecretName, default) is { } password)
            {
                forbidden.Add(password.Reveal());
                forbidden.Add(MariaDbNativePassword.Hash(password));
            }
        Assert.True(forbidden.Count >= 20, "the apply stored the service passwords");
        foreach (var span in spans)
            foreach (var text in span.TagObjects.Select(t => $"{t.Value}").Append(span.DisplayName).Append(span.StatusDescription ?? ""))
            {
                Assert.DoesNotContain("SCRAM-SHA-256$", text, StringComparison.Ordinal);
                Assert.DoesNotContain(forbidden, secret => text.Contains(secret, StringComparison.Ordinal));
            }
    }

    [Fact]
    public async Task A_failed_command_is_a_span_with_an_error_status()
    {
        var spans = new List<Activity>();
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource(ProvisionerTelemetry.Name).AddInMemoryExporter(spans).Build())
        {
            var state = stack.CopyStateDirectory();
            await ProvisionerStack.MoveServerAsync(state, ProvisionerStack.PostgreSqlName, ProvisionerStack.FreePort());
            var plan = await stack.LocalWithStateAsync(state, "plan");
            Assert.Equal(1, plan.ExitCode);
            tracing.ForceFlush();
        }

        var root = Assert.Single(spans, s => s.DisplayName == "provisioner plan" && (s.StatusDescription ?? "").Contains("is unreachable", StringComparison.Ordinal));
        Assert.Equal(ActivityStatusCode.Error, root.Status);
        Assert.Contains("is unreachable", root.StatusDescription);
        Assert.Equal(1, root.GetTagItem("process.exit.code"));
    }
}
