using System.Globalization;
using Microsoft.Extensions.Configuration;
using Rollout.AppHost.Local;
using Rollout.AppHost.Publishing.Monitoring;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// The local monitoring stack's knobs, from the AppHost's configuration section <c>Monitoring</c> (command line
/// <c>--Monitoring:ScrapeInterval=00:00:01</c>, environment <c>Monitoring__PrometheusPort=9090</c>, appsettings):
/// Enabled, the four ports (absent or 0: a free loopback port, shown on the dashboard), the intervals, and the
/// Prometheus/Alertmanager programs (Debian's by default).
/// </summary>
public sealed record MonitoringSettings(
    bool Enabled,
    int ProbePort,
    int PrometheusPort,
    int AlertmanagerPort,
    int ReceiverPort,
    MonitoringTimings Timings,
    string PrometheusProgram,
    string AlertmanagerProgram)
{
    public const string Section = "Monitoring";
    public const string DebianPrometheus = "/usr/bin/prometheus";
    public const string DebianAlertmanager = "/usr/bin/prometheus-alertmanager";

    /// <summary>Reads the section; throws <see cref="ArgumentException"/> naming the key and the expected form on a bad value.</summary>
    public static MonitoringSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var scrape = Interval(section, "ScrapeInterval", TimeSpan.FromSeconds(15));
        var evaluation = Interval(section, "EvaluationInterval", scrape);
        // Locally a notification should follow its alert within seconds; repeats stay rare.
        var timings = new MonitoringTimings(scrape, evaluation,
            Interval(section, "GroupWait", TimeSpan.FromSeconds(5)), Interval(section, "GroupInterval", TimeSpan.FromSeconds(10)),
            Interval(section, "RepeatInterval", TimeSpan.FromHours(1)), TimeSpan.FromMinutes(5));
        return new MonitoringSettings(
            Flag(section, "Enabled", true),
            Port(section, "ProbePort"), Port(section, "PrometheusPort"), Port(section, "AlertmanagerPort"), Port(section, "ReceiverPort"),
            timings,
            section["PrometheusProgram"] is { Length: > 0 } prometheus ? prometheus : DebianPrometheus,
            section["AlertmanagerProgram"] is { Length: > 0 } alertmanager ? alertmanager : DebianAlertmanager);
    }

    private static bool Flag(IConfigurationSection section, string key, bool fallback) => section[key] switch
    {
        null or "" => fallback,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new ArgumentException($"{Section}:{key} = '{text}': expected true or false."),
    };

    private static int Port(IConfigurationSection section, string key) => section[key] switch
    {
        null or "" or "0" => PortProbe.FindFree(),
        var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 => port,
        var text => throw new ArgumentException($"{Section}:{key} = '{text}': expected a port 1-65535 (or 0 for a free one)."),
    };

    private static TimeSpan Interval(IConfigurationSection section, string key, TimeSpan fallback) => section[key] switch
    {
        null or "" => fallback,
        var text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.FromSeconds(1) && value <= TimeSpan.FromDays(1)
            && value.Milliseconds == 0 => value,
        var text => throw new ArgumentException($"{Section}:{key} = '{text}': expected whole seconds between 00:00:01 and 1.00:00:00 (hh:mm:ss)."),
    };
}
