using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Rollout.SmokeRunner.Engines;
using Rollout.SmokeRunner.Measuring;
using Rollout.SmokeRunner.Telemetry;
using Rollout.Topology.Model;

namespace Rollout.SmokeRunner.Checks;

/// <summary>
/// Everything that is checked through a service user's own login to its own database:
/// connectivity, the TLS session, the refused plaintext login, the refused login from a foreign
/// source address — and, in a quiet second phase, latency.
/// </summary>
public sealed class DatabaseProbe(SmokeContext context, DatabaseSpec database)
{
    private const string PlaintextCheck = "plaintext login refused";
    private const string ForeignSourceCheck = "login from foreign address refused";
    private readonly ISmokeEngine _engine = SmokeEngines.For(context.Binding.EndpointOf(database).Engine);

    /// <summary>The login that passed connectivity, so latency can be measured later; null when it failed.</summary>
    public ServiceLogin? Reached { get; private set; }

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var target = database.Name;
        var started = Stopwatch.StartNew();
        ServiceLogin login;
        try
        {
            login = await context.Logins.ForAsync(database, cancellationToken);
        }
        catch (MissingSecretException e)
        {
            return Unreached(target, started.Elapsed, e.Message);
        }

        var results = new List<CheckResult>();
        try
        {
            await using var first = _engine.Connect(login.Endpoint, login.User, login.Password, database.Name, SmokeSettings.Connection);
            await first.OpenAsync(cancellationToken);
            await ScalarAsync(first, cancellationToken);
            results.Add(CheckResult.Pass(CheckKind.Connectivity, "login and SELECT 1", target, started.Elapsed,
                $"{login.User} on {login.Endpoint} over TLS"));
            results.Add(await CheckSessionTlsAsync(first, target, cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var why = _engine.IsServerRefusal(e)
                ? $"login refused by {login.Endpoint}: {_engine.Describe(e)} — check the password ({login.PasswordSource}) and the user's host"
                : $"cannot reach {login.Endpoint}: {_engine.Describe(e)}";
            return Unreached(target, started.Elapsed, why);
        }

        Reached = login;
        results.Add(await CheckPlaintextRefusedAsync(login, target, cancellationToken));
        results.Add(await CheckForeignSourceRefusedAsync(login, cancellationToken));
        return results;
    }

    /// <summary>Fresh logins timed for the connect figure; the median of three shrugs off one scheduling hiccup.</summary>
    public const int ConnectSamples = 3;

    /// <summary>
    /// Connect time (median of <see cref="ConnectSamples"/> fresh logins) plus N samples of SELECT 1
    /// on the last of them. Runs after connectivity, so the client's first-use costs (JIT, TLS
    /// start-up) are not charged to the server.
    /// </summary>
    public async Task<CheckResult> MeasureLatencyAsync(CancellationToken cancellationToken)
    {
        var login = Reached ?? throw new InvalidOperationException($"{database.Name}: latency is measured only after a successful login.");
        var target = database.Name;
        var watch = Stopwatch.StartNew();
        var connects = new double[ConnectSamples];
        DbConnection? connection = null;
        try
        {
            for (var i = 0; i < ConnectSamples; i++)
            {
                if (connection is not null) await connection.DisposeAsync();
                connection = _engine.Connect(login.Endpoint, login.User, login.Password, database.Name, SmokeSettings.Connection);
                var started = Stopwatch.GetTimestamp();
                await connection.OpenAsync(cancellationToken);
                connects[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                SmokeTelemetry.RecordLogin(connects[i], database, _engine.Engine);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (connection is not null) await connection.DisposeAsync();
            return CheckResult.Fail(CheckKind.Latency, "connect + SELECT 1", target, watch.Elapsed, $"a timed login failed: {_engine.Describe(e)}");
        }

        await using (connection)
        {
            var connectMs = LatencyStatistics.Percentile([.. connects.Order()], 50);
            var samples = new double[Math.Max(1, context.Settings.Samples)];
            await using var command = connection!.CreateCommand();
            command.CommandText = "SELECT 1";
            for (var i = 0; i < samples.Length; i++)
            {
                var sample = Stopwatch.GetTimestamp();
                await command.ExecuteScalarAsync(cancellationToken);
                samples[i] = Stopwatch.GetElapsedTime(sample).TotalMilliseconds;
                SmokeTelemetry.RecordQuery(samples[i], database, _engine.Engine);
            }
            var stats = LatencyStatistics.Of(samples);
            var threshold = context.Settings.LatencyThresholdMs;
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"connect {connectMs:0.0} ms (median of {ConnectSamples}); SELECT 1 p50 {stats.P50Ms:0.00} / p95 {stats.P95Ms:0.00} / max {stats.MaxMs:0.00} ms (n={stats.Count}, threshold {threshold} ms)");
            var slow = new List<string>();
            if (connectMs > threshold) slow.Add("connect");
            if (stats.P95Ms > threshold) slow.Add("p95");
            return slow.Count == 0
                ? CheckResult.Pass(CheckKind.Latency, "connect + SELECT 1", target, watch.Elapsed, detail)
                : CheckResult.Fail(CheckKind.Latency, "connect + SELECT 1", target, watch.Elapsed, $"{string.Join(" and ", slow)} over threshold: {detail}");
        }
    }

    private async Task<CheckResult> CheckSessionTlsAsync(DbConnection connection, string target, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var session = await _engine.ReadTlsSessionAsync(connection, cancellationToken);
        var minimum = context.Settings.MinTlsVersion;
        if (!session.Encrypted || string.IsNullOrEmpty(session.Version))
            return CheckResult.Fail(CheckKind.Tls, "session encrypted", target, watch.Elapsed, "the server reports the session as unencrypted");
        Version version;
        try { version = SmokeSettings.ParseTlsVersion(session.Version); }
        catch (FormatException) { return CheckResult.Fail(CheckKind.Tls, "session encrypted", target, watch.Elapsed, $"unknown protocol '{session.Version}' (cipher {session.Cipher})"); }
        var detail = $"{session.Version}, cipher {session.Cipher} (minimum {SmokeSettings.Format(minimum)})";
        return CheckResult.Verdict(version >= minimum, CheckKind.Tls, "session encrypted", target, watch.Elapsed,
            version >= minimum ? detail : $"protocol below the minimum: {detail}");
    }

    private async Task<CheckResult> CheckPlaintextRefusedAsync(ServiceLogin login, string target, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var plain = _engine.Connect(login.Endpoint, login.User, login.Password, database.Name, SmokeSettings.Plaintext);
        try
        {
            await plain.OpenAsync(cancellationToken);
            await ScalarAsync(plain, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return CheckResult.Verdict(_engine.IsServerRefusal(e), CheckKind.Tls, PlaintextCheck, target, watch.Elapsed,
                _engine.IsServerRefusal(e)
                    ? $"server refused the unencrypted login: {_engine.Describe(e)}"
                    : $"inconclusive, the attempt failed before the server answered: {_engine.Describe(e)}");
        }
        return CheckResult.Fail(CheckKind.Tls, PlaintextCheck, target, watch.Elapsed,
            $"the server ACCEPTED an unencrypted login as {login.User}: require TLS for the user and the server");
    }

    private async Task<CheckResult> CheckForeignSourceRefusedAsync(ServiceLogin login, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var source = context.Settings.ForeignSourceAddress;
        var target = $"{login.User} from {source}";
        var relay = context.ForeignSourceRelay(login.Endpoint);
        if (relay is null)
            return new CheckResult(CheckKind.Isolation, ForeignSourceCheck, target, Outcome.Skipped, watch.Elapsed,
                $"{login.Endpoint} is not on this machine's loopback: a foreign source address can only be simulated locally");
        var viaRelay = login.Endpoint with { Host = relay.Host, Port = relay.Port };
        await using var foreign = _engine.Connect(viaRelay, login.User, login.Password, database.Name, SmokeSettings.Connection);
        try
        {
            await foreign.OpenAsync(cancellationToken);
            await ScalarAsync(foreign, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var refused = _engine.IsServerRefusal(e);
            return CheckResult.Verdict(refused, CheckKind.Isolation, ForeignSourceCheck, target, watch.Elapsed,
                refused
                    ? $"server refused {login.User} connecting from {source}: {_engine.Describe(e)}"
                    : $"inconclusive: {relay.LastError ?? _engine.Describe(e)}");
        }
        return CheckResult.Fail(CheckKind.Isolation, ForeignSourceCheck, target, watch.Elapsed,
            $"{login.User} logged in to {database.Name} from {source}: the user must be bound to the app server address ({context.Binding.AppServerIp}) only");
    }

    /// <summary>Connectivity failed: every check of this database fails with the same cause.</summary>
    private IReadOnlyList<CheckResult> Unreached(string target, TimeSpan elapsed, string why) =>
    [
        CheckResult.Fail(CheckKind.Connectivity, "login and SELECT 1", target, elapsed, why),
        CheckResult.Fail(CheckKind.Latency, "connect + SELECT 1", target, TimeSpan.Zero, "not measured: no connection"),
        CheckResult.Fail(CheckKind.Tls, "session encrypted", target, TimeSpan.Zero, "not checked: no connection"),
        CheckResult.Fail(CheckKind.Tls, PlaintextCheck, target, TimeSpan.Zero, "not checked: the TLS login itself fails"),
        CheckResult.Fail(CheckKind.Isolation, ForeignSourceCheck, $"{database.User} from {context.Settings.ForeignSourceAddress}", TimeSpan.Zero,
            "not checked: the login from the allowed address fails too"),
    ];

    private static async Task ScalarAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        var value = await command.ExecuteScalarAsync(cancellationToken);
        if (Convert.ToInt64(value, CultureInfo.InvariantCulture) != 1)
            throw new InvalidDataException($"SELECT 1 returned '{value}'.");
    }
}
