namespace Rollout.AppHost.Publishing.Monitoring;

/// <summary>
/// alertmanager.yml: every alert to one webhook (n8n in production, the recording receiver locally), critical ones
/// sooner and more often, resolutions sent too; a critical alert silences the warning about the same thing.
/// </summary>
public static class AlertmanagerConfig
{
    public const string FileName = "alertmanager.yml";
    public const string ReceiverName = "rollout-webhook";

    public static string Render(MonitoringLayout layout, MonitoringTimings timings)
    {
        var text = new TextBuilder()
            .Line("# " + GeneratedFile.GeneratedBy)
            .Line("global:")
            .Line($"  resolve_timeout: {AlertRules.Duration(timings.ResolveTimeout)}")
            .Line("route:")
            .Line($"  receiver: {ReceiverName}")
            .Line("  group_by: [alertname, severity, server, database]")
            .Line($"  group_wait: {AlertRules.Duration(timings.GroupWait)}")
            .Line($"  group_interval: {AlertRules.Duration(timings.GroupInterval)}")
            .Line($"  repeat_interval: {AlertRules.Duration(timings.RepeatInterval)}")
            .Line("  routes:")
            .Line("    - matchers: ['severity=\"critical\"']")
            .Line($"      receiver: {ReceiverName}")
            .Line($"      group_wait: {AlertRules.Duration(Min(timings.GroupWait, TimeSpan.FromSeconds(10)))}")
            .Line($"      repeat_interval: {AlertRules.Duration(Min(timings.RepeatInterval, TimeSpan.FromHours(1)))}")
            .Line("inhibit_rules:")
            .Line("  - source_matchers: ['severity=\"critical\"']")
            .Line("    target_matchers: ['severity=\"warning\"']")
            .Line("    equal: [server, database]")
            .Line("receivers:")
            .Line($"  - name: {ReceiverName}")
            .Line("    webhook_configs:")
            .Line($"      - url: {AlertRules.Quote(layout.WebhookUrl)}")
            .Line("        send_resolved: true");
        if (layout.WebhookTokenFile is { } tokenFile)
            // The webhook's bearer token stays in a file readable by Alertmanager only, never in this configuration.
            text.Line("        http_config:")
                .Line("          authorization:")
                .Line("            type: Bearer")
                .Line($"            credentials_file: {AlertRules.Quote(tokenFile)}");
        return text.ToString();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
