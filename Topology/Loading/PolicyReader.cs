using System.Text.RegularExpressions;
using Rollout.Topology.Model;

namespace Rollout.Topology.Loading;

/// <summary>Reads the policy sections: grants, tls, firewall, backup, smoke.</summary>
internal static partial class PolicyReader
{
    [GeneratedRegex(@"^(?<count>[0-9]{1,4})(?<unit>[dwm])$")]
    private static partial Regex RetentionPattern();

    public static GrantPolicy Grants(YamlMap? map, LoadContext context)
    {
        if (map is null) return new GrantPolicy([], []);
        var policy = new GrantPolicy(map.Strings("mariadb", required: true), map.Strings("postgresql", required: true));
        map.RejectUnknownKeys();
        _ = context;
        return policy;
    }

    public static TlsPolicy Tls(YamlMap? map)
    {
        if (map is null) return new TlsPolicy(true, "1.2");
        var policy = new TlsPolicy(map.Bool("required", true), map.String("minVersion") ?? "1.2");
        map.RejectUnknownKeys();
        return policy;
    }

    public static FirewallPolicy Firewall(YamlMap? map)
    {
        if (map is null) return new FirewallPolicy(22, []);
        var policy = new FirewallPolicy(map.Int("sshPort", false, 1, 65535) ?? 22, map.Strings("allowFromAppServer", required: true));
        map.RejectUnknownKeys();
        return policy;
    }

    public static SmokePolicy Smoke(YamlMap? map)
    {
        if (map is null) return new SmokePolicy(100, 20);
        var policy = new SmokePolicy(
            map.Int("latencyThresholdMs", true, 1, 60_000) ?? 100,
            map.Int("samples", true, 1, 10_000) ?? 20);
        map.RejectUnknownKeys();
        return policy;
    }

    public static BackupPolicy Backup(YamlMap? map, LoadContext context)
    {
        if (map is null) return new BackupPolicy("UTC", [], "");
        var timezone = map.String("timezone") ?? "UTC";
        var account = map.String("account") ?? "rollout_backup";
        var repository = map.Setting("repository");
        var offsiteRepository = map.Setting("offsiteRepository");
        var schedules = new List<BackupSchedule>();
        var section = map.Map("schedules", required: true);
        foreach (var (name, node) in section?.Entries() ?? [])
        {
            var item = YamlMap.Of(node, section!.Child(name), context);
            if (item is null) continue;
            var cron = item.String("cron", required: true, "a cron expression such as \"0 2 * * *\"") ?? "";
            var retention = Retention(item.String("retention", required: true, "a period such as 7d, 4w or 12m"), item.Child("retention"), context);
            var type = item.String("type") ?? "full";
            if (type is not "full")
                context.Error(item.Child("type"), $"unknown backup type '{type}'; allowed: full.");
            schedules.Add(new BackupSchedule(name, cron, retention, type, item.Bool("offsite", false)));
            item.RejectUnknownKeys();
        }
        var restore = map.Map("restoreTest", required: true);
        var restoreCron = restore?.String("cron", required: true) ?? "";
        restore?.RejectUnknownKeys();
        map.RejectUnknownKeys();
        return new BackupPolicy(timezone, schedules, restoreCron) { Account = account, Repository = repository, OffsiteRepository = offsiteRepository };
    }

    public static MonitoringPolicy Monitoring(YamlMap? map)
    {
        if (map is null) return MonitoringPolicy.Default;
        var policy = new MonitoringPolicy(map.String("account") ?? MonitoringPolicy.DefaultAccount);
        map.RejectUnknownKeys();
        return policy;
    }

    private static Retention Retention(string? text, string path, LoadContext context)
    {
        if (text is null) return new Retention(1, RetentionUnit.Days);
        var match = RetentionPattern().Match(text);
        if (!match.Success || int.Parse(match.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            context.Error(path, $"'{text}' is not a retention period: write a positive count and d, w or m (e.g. 7d, 4w, 12m).");
            return new Retention(1, RetentionUnit.Days);
        }
        var unit = match.Groups["unit"].Value switch { "d" => RetentionUnit.Days, "w" => RetentionUnit.Weeks, _ => RetentionUnit.Months };
        return new Retention(int.Parse(match.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture), unit);
    }
}
