namespace Rollout.AppHost.Orchestration;

/// <summary>Resource states as Aspire names them (KnownResourceStates), so Aspire users read the table at a glance.</summary>
public static class ResourceStates
{
    public const string NotStarted = "NotStarted";
    public const string Waiting = "Waiting";
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string RuntimeUnhealthy = "RuntimeUnhealthy";
    public const string FailedToStart = "FailedToStart";
    public const string Stopping = "Stopping";
    public const string Exited = "Exited";
    public const string Finished = "Finished";

    public static bool IsTerminal(string state) => state is FailedToStart or Exited or Finished;
}

/// <summary>The live status of one resource: what the table and resources.json show.</summary>
public sealed class ResourceStatus(string name, string kind)
{
    public string Name { get; } = name;

    public string Kind { get; } = kind;

    public string State { get; internal set; } = ResourceStates.NotStarted;

    public string? Host { get; internal set; }

    public int? Port { get; internal set; }

    public int? Pid { get; internal set; }

    /// <summary>Connection string with every secret masked.</summary>
    public string? ConnectionString { get; internal set; }

    /// <summary>Why the state is what it is (exit code, failure, skip reason); never a secret.</summary>
    public string? Detail { get; internal set; }

    public string Endpoint => Host is null || Port is null ? "" : $"{Host}:{Port}";
}
