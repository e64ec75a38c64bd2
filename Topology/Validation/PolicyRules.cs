using Cronos;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Topology.Validation;

internal static class PolicyRules
{
    /// <summary>Database-level privileges a service user may hold; global and administrative ones never.</summary>
    private static readonly string[] MariaDbPrivileges =
    [
        "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "REFERENCES", "INDEX", "ALTER",
        "CREATE TEMPORARY TABLES", "LOCK TABLES", "EXECUTE", "CREATE VIEW", "SHOW VIEW",
        "CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "TRIGGER", "DELETE HISTORY",
    ];

    private static readonly string[] PostgreSqlPrivileges = ["OWNER"];

    public static void Validate(Estate estate, LoadContext context)
    {
        Privileges(estate.Grants.MariaDb, MariaDbPrivileges, "grants.mariadb", context);
        Privileges(estate.Grants.PostgreSql, PostgreSqlPrivileges, "grants.postgresql", context);

        if (estate.Tls.MinVersion is not ("1.2" or "1.3"))
            context.Error("tls.minVersion", $"'{estate.Tls.MinVersion}' is not allowed: TLS 1.2 or 1.3 (older versions are broken).");

        foreach (var name in estate.Firewall.AllowFromAppServer)
        {
            var server = estate.Servers.FirstOrDefault(s => s.Name == name);
            if (server is null)
                context.Error("firewall.allowFromAppServer", $"server '{name}' is not defined; defined servers: {string.Join(", ", estate.Servers.Select(s => s.Name))}.");
            else if (server.Existing)
                context.Error("firewall.allowFromAppServer", $"server '{name}' is marked existing: Rollout does not configure its firewall.");
        }

        if (!TimeZoneExists(estate.Backup.Timezone))
            context.Error("backup.timezone", $"unknown time zone '{estate.Backup.Timezone}': use an IANA name such as UTC or Europe/Vienna.");
        if (Identifiers.CheckSqlName(estate.Backup.Account, Engine.MariaDb, isUser: true) is { } accountProblem)
            context.Error("backup.account", accountProblem);
        MonitoringAccount(estate, context);
        foreach (var schedule in estate.Backup.Schedules)
            Cron(schedule.Cron, $"backup.schedules.{schedule.Name}.cron", context);
        if (estate.Backup.RestoreTestCron.Length > 0)
            Cron(estate.Backup.RestoreTestCron, "backup.restoreTest.cron", context);

        var seen = new HashSet<string>();
        for (var i = 0; i < estate.Alerts.Count; i++)
            if (!seen.Add(estate.Alerts[i].Name))
                context.Error($"alerts[{i}].name", $"alert '{estate.Alerts[i].Name}' is defined twice: alert names must be unique.");
    }

    /// <summary>The monitoring account is an account of its own: never the backup account or a service user.</summary>
    private static void MonitoringAccount(Estate estate, LoadContext context)
    {
        var account = estate.Monitoring.Account;
        if (Identifiers.CheckSqlName(account, Engine.MariaDb, isUser: true) is { } problem)
            context.Error("monitoring.account", problem);
        else if (account == estate.Backup.Account)
            context.Error("monitoring.account", $"'{account}' is also backup.account: the exporters' account must be its own (least privilege); choose another name.");
        else if (estate.Databases.FirstOrDefault(d => d.User == account) is { } database)
            context.Error("monitoring.account", $"'{account}' is the service user of {database.Name}: the exporters' account must be its own; choose another name.");
    }

    private static void Privileges(IReadOnlyList<string> privileges, string[] allowed, string path, LoadContext context)
    {
        if (privileges.Count == 0) context.Error(path, $"no privileges listed: name at least one of {string.Join(", ", allowed)}.");
        var seen = new HashSet<string>();
        for (var i = 0; i < privileges.Count; i++)
        {
            var privilege = privileges[i];
            if (!allowed.Contains(privilege))
                context.Error($"{path}[{i}]", $"'{privilege}' is not a privilege a service user may hold (least privilege); allowed: {string.Join(", ", allowed)}.");
            else if (!seen.Add(privilege))
                context.Error($"{path}[{i}]", $"'{privilege}' is listed twice.");
        }
    }

    private static void Cron(string expression, string path, LoadContext context)
    {
        try
        {
            CronExpression.Parse(expression, CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            context.Error(path, $"'{expression}' is not a cron expression (minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\"): {e.Message}");
        }
    }

    private static bool TimeZoneExists(string id)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
        catch (InvalidTimeZoneException)
        {
            return false;
        }
    }
}
