using Rollout.Monitor.Probing;

namespace Rollout.Monitor.Tests.Units;

/// <summary>Counting PostgreSQL's refused logins in its log: only appended text, complete lines, across a truncated log.</summary>
public sealed class ServerLogFailedLoginsTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"rollout-pg-log-{Guid.NewGuid():N}.log");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task Counts_appended_refusals_once_each_and_goes_on_after_the_log_was_truncated()
    {
        var counter = new ServerLogFailedLogins(_file);
        Assert.Null(await counter.ReadAsync(CancellationToken.None));

        await File.WriteAllTextAsync(_file,
            "2026-11-29 23:41:42.051 UTC [3380] svc_idp@mo_idp FATAL:  password authentication failed for user \"svc_idp\"\n" +
            "2026-11-29 23:41:42.051 UTC [3380] svc_idp@mo_idp DETAIL:  Connection matched pg_hba.conf line 5\n" +
            "2026-11-29 23:41:43.000 UTC [3381] svc_idp@mo_grafana FATAL:  no pg_hba.conf entry for host \"127.0.0.1\", user \"svc_idp\", database \"mo_grafana\", SSL encryption\n" +
            "2026-11-29 23:41:44.000 UTC [3382] svc_crm@mo_idp FATAL:  password authentication fai");
        Assert.Equal(2, await counter.ReadAsync(CancellationToken.None));
        Assert.Equal(2, await counter.ReadAsync(CancellationToken.None));

        await File.AppendAllTextAsync(_file, "led for user \"svc_crm\"\n2026-11-29 23:41:45.000 UTC [3383] LOG:  checkpoint starting: time\n" +
            "2026-11-29 23:41:46.000 UTC [3384] svc_idp@mo_grafana FATAL:  pg_hba.conf rejects connection for host \"127.0.0.1\", user \"svc_idp\", database \"mo_grafana\", SSL encryption\n");
        Assert.Equal(4, await counter.ReadAsync(CancellationToken.None));

        await File.WriteAllTextAsync(_file, "2026-11-30 00:00:01.000 UTC [1] x@y FATAL:  password authentication failed for user \"x\"\n");
        Assert.Equal(5, await counter.ReadAsync(CancellationToken.None));
    }
}
