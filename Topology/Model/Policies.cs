namespace Rollout.Topology.Model;

/// <summary>The plan's privilege lists: MariaDB privileges on `db`.*, PostgreSQL ownership.</summary>
public sealed record GrantPolicy(IReadOnlyList<string> MariaDb, IReadOnlyList<string> PostgreSql);

public sealed record TlsPolicy(bool Required, string MinVersion);

/// <summary>Database ports of <see cref="AllowFromAppServer"/> open to the app server only; SSH to admin IPs only.</summary>
public sealed record FirewallPolicy(int SshPort, IReadOnlyList<string> AllowFromAppServer);

public enum RetentionUnit { Days, Weeks, Months }

public sealed record Retention(int Count, RetentionUnit Unit)
{
    public override string ToString() => $"{Count}{Unit switch { RetentionUnit.Days => "d", RetentionUnit.Weeks => "w", _ => "m" }}";
}

public sealed record BackupSchedule(string Name, string Cron, Retention Retention, string Type, bool Offsite);

public sealed record BackupPolicy(string Timezone, IReadOnlyList<BackupSchedule> Schedules, string RestoreTestCron)
{
    /// <summary>The read-only dump account the Provisioner creates on every managed server.</summary>
    public string Account { get; init; } = "rollout_backup";

    /// <summary>Where the restic repository is in a remote environment (local: the state directory).</summary>
    public Setting? Repository { get; init; }

    /// <summary>The second repository on another server that the offsite tiers are copied to.</summary>
    public Setting? OffsiteRepository { get; init; }
}

/// <summary>
/// The monitoring account (monitoring.account of rollout.yaml): the least-privilege login the SQL and Redis exporters
/// use on every managed server, created by the Provisioner; its password is &lt;SERVER&gt;_MONITOR_PASS.
/// </summary>
public sealed record MonitoringPolicy(string Account)
{
    public const string DefaultAccount = "rollout_monitor";

    public static MonitoringPolicy Default { get; } = new(DefaultAccount);
}

public enum AlertSeverity { Critical, Warning, Info }

public sealed record AlertRule(string Name, AlertSeverity Severity, string Metric, string Operator, double Threshold, TimeSpan For);

public sealed record SmokePolicy(int LatencyThresholdMs, int Samples);
