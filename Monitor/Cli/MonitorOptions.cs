using System.CommandLine;
using System.Globalization;
using System.Net;

namespace Rollout.Monitor.Cli;

/// <summary>The options every verb of the probe takes, with the environment variables the AppHost sets.</summary>
internal sealed class MonitorOptions
{
    public const string EstateVariable = "ROLLOUT_ESTATE";
    public const string StateDirectoryVariable = "ROLLOUT_STATE_DIR";
    public const string EnvironmentVariable = "ROLLOUT_ENVIRONMENT";
    public const string DefaultListen = "127.0.0.1:9470";

    public Option<string> Environment { get; } = new("--env", "--environment")
    {
        Description = $"Environment of rollout.yaml to probe (local, staging, production); default ${EnvironmentVariable} or local.",
        DefaultValueFactory = _ => System.Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } name ? name : "local",
    };

    public Option<FileInfo?> Estate { get; } = new("--estate")
    {
        Description = $"The estate file (default: ${EstateVariable}, else rollout.yaml found walking up from the current directory).",
        DefaultValueFactory = _ => System.Environment.GetEnvironmentVariable(EstateVariable) is { Length: > 0 } path ? new FileInfo(path) : null,
    };

    public Option<DirectoryInfo?> StateDirectory { get; } = new("--state-dir")
    {
        Description = $"Local state directory with resources.json and secrets.json (default: ${StateDirectoryVariable}, else <dir of rollout.yaml>/.rollout).",
        DefaultValueFactory = _ => System.Environment.GetEnvironmentVariable(StateDirectoryVariable) is { Length: > 0 } path ? new DirectoryInfo(path) : null,
    };

    public Option<string> Listen { get; } = new("--listen")
    {
        Description = "Address and port of the /metrics endpoint (loopback by default: Prometheus runs on the same host).",
        DefaultValueFactory = _ => DefaultListen,
    };

    public Option<TimeSpan> Interval { get; } = new("--interval")
    {
        Description = "Time between probe rounds (hh:mm:ss), default 00:00:15 (Prometheus' scrape interval).",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(15),
    };

    public Option<TimeSpan> Timeout { get; } = new("--timeout")
    {
        Description = "How long one login + SELECT 1 may take before it counts as failed (hh:mm:ss), default 00:00:10.",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
    };

    public Option<FileInfo?> BackupStatus { get; } = new("--backup-status")
    {
        Description = "The Backup worker's last-success file (default: <state dir>/backup/last-success.json).",
    };

    /// <summary>server=path pairs: where a PostgreSQL server's log is, to count its failed logins (it has no counter).</summary>
    public Option<string[]> ServerLogs { get; } = new("--server-log")
    {
        Description = "A server's log file as <server>=<path>, repeatable: PostgreSQL's failed logins are counted from it " +
                      "(e.g. external-postgres=/var/log/postgresql/postgresql-15-main.log). Without it PostgreSQL exports no failed logins.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>Parses --server-log values; throws <see cref="ArgumentException"/> naming a malformed one or an unknown server.</summary>
    public static IReadOnlyDictionary<string, string> ParseServerLogs(IEnumerable<string> values, IReadOnlyCollection<string> servers)
    {
        var logs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var equals = value.IndexOf('=');
            if (equals <= 0 || equals == value.Length - 1)
                throw new ArgumentException($"--server-log '{value}': expected <server>=<path of its log file>.");
            var server = value[..equals];
            if (!servers.Contains(server))
                throw new ArgumentException($"--server-log '{value}': no server '{server}' in this environment (servers: {string.Join(", ", servers)}).");
            logs[server] = Path.GetFullPath(value[(equals + 1)..]);
        }
        return logs;
    }

    /// <summary>The receiver's record (JSON Lines); only the receiver verb takes it.</summary>
    // Not --file: `dotnet run` (how Aspire starts a project) takes that option for itself.
    public Option<FileInfo?> RecordFile { get; } = new("--record")
    {
        Description = "File the receiver appends each webhook payload to, one JSON line each (default: <state dir>/monitoring/received-alerts.jsonl).",
    };

    public MonitorOptions()
    {
        Listen.Validators.Add(result =>
        {
            if (!TryParseListen(result.GetValueOrDefault<string>() ?? "", out _))
                result.AddError("--listen: expected an IPv4 address and port such as 127.0.0.1:9470.");
        });
        foreach (var option in new[] { Interval, Timeout })
            option.Validators.Add(result =>
            {
                // An unparsable value is reported by the conversion itself; only parsed values are range-checked.
                if (result.Tokens.Count == 0 || !TimeSpan.TryParse(result.Tokens[^1].Value, CultureInfo.InvariantCulture, out var value)) return;
                if (value < TimeSpan.FromMilliseconds(100) || value > TimeSpan.FromHours(1))
                    result.AddError($"{result.Option.Name}: '{value}' must be between 00:00:00.1 and 01:00:00.");
            });
    }

    public IEnumerable<Option> All => [Environment, Estate, StateDirectory, Listen, Interval, Timeout, BackupStatus, ServerLogs];

    public static bool TryParseListen(string text, out IPEndPoint endpoint)
    {
        endpoint = null!;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !IPAddress.TryParse(text[..colon], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return false;
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535) return false;
        endpoint = new IPEndPoint(address, port);
        return true;
    }
}
