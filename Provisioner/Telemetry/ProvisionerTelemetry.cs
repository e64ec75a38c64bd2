using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rollout.Provisioner.Planning;
using Rollout.ServiceDefaults.Redaction;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Telemetry;

/// <summary>
/// The Provisioner's traces: one span per command (plan, apply, drift) and, under apply, one per executed statement
/// with its text as printed (hashes and verifiers masked, then every registered secret redacted). Without a listener
/// <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and nothing else is computed.
/// </summary>
public static class ProvisionerTelemetry
{
    /// <summary>The ActivitySource (and Meter) name: what AddRolloutTelemetry and a test's listener subscribe to.</summary>
    public const string Name = "Rollout.Provisioner";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>Set by Program.cs from the telemetry's logger factory; records go out with the traces.</summary>
    public static ILogger Logger { get; set; } = NullLogger.Instance;

    public static Activity? StartCommand(string verb, string? environment, bool prune)
    {
        var activity = Source.StartActivity($"provisioner {verb}", ActivityKind.Internal);
        activity?.SetTag("rollout.environment", environment);
        activity?.SetTag("rollout.prune", prune);
        return activity;
    }

    public static Activity? StartStatement(ServerEndpoint endpoint, SqlStatement statement)
    {
        var activity = Source.StartActivity(Operation(statement.Display) + " " + endpoint.Name, ActivityKind.Client);
        if (activity is null) return null;
        activity.SetTag("db.system.name", endpoint.Engine == Engine.MariaDb ? "mariadb" : "postgresql");
        activity.SetTag("db.operation.name", Operation(statement.Display));
        activity.SetTag("db.query.text", SecretRedactor.Shared.Redact(statement.Display));
        if (statement.Database is not null) activity.SetTag("db.namespace", statement.Database);
        activity.SetTag("server.address", endpoint.Host);
        activity.SetTag("server.port", endpoint.Port);
        activity.SetTag("rollout.server", endpoint.Name);
        return activity;
    }

    /// <summary>Marks a span failed with the (redacted) reason.</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, SecretRedactor.Shared.Redact(exception.Message));
        activity.SetTag("error.type", exception.GetType().Name);
    }

    /// <summary>The statement's verb: CREATE, GRANT, REVOKE, ALTER, DROP, …</summary>
    private static string Operation(string sql)
    {
        var end = sql.IndexOf(' ', StringComparison.Ordinal);
        return end < 0 ? sql : sql[..end];
    }
}
