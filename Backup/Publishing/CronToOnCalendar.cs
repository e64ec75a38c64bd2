using System.Globalization;

namespace Rollout.Backup.Publishing;

/// <summary>
/// Translates the 5-field cron expressions of rollout.yaml into systemd OnCalendar= (UTC). Lists, ranges and */n steps
/// translate; what systemd cannot say the same way is refused with the reason: cron ORs a restricted day-of-month with a
/// restricted day-of-week where systemd ANDs them, and Quartz extensions (L, W, #, ?) have no systemd form.
/// </summary>
public static class CronToOnCalendar
{
    private static readonly string[] Days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public static string Convert(string cron, string timezone)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5) throw new PublishException($"'{cron}': expected 5 fields (minute hour day-of-month month day-of-week).");
        if (fields.Any(f => f.IndexOfAny(['L', 'W', '#', '?']) >= 0)) throw new PublishException($"'{cron}': L, W, # and ? have no systemd OnCalendar form.");
        if (fields[2] != "*" && fields[4] != "*")
            throw new PublishException($"'{cron}': cron runs when day-of-month OR day-of-week matches, systemd only when both do; restrict one of them.");
        var minute = Field(fields[0], 0, pad: true, cron);
        var hour = Field(fields[1], 0, pad: true, cron);
        var day = Field(fields[2], 1, pad: true, cron);
        var month = Field(fields[3], 1, pad: true, cron);
        var weekday = fields[4] == "*" ? "" : WeekdayField(fields[4], cron) + " ";
        return $"{weekday}*-{month}-{day} {hour}:{minute}:00 {timezone}";
    }

    private static string Field(string field, int first, bool pad, string cron) =>
        string.Join(',', field.Split(',').Select(part => Part(part, first, pad, cron)));

    private static string Part(string part, int first, bool pad, string cron)
    {
        string Number(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? (pad ? n.ToString("00", CultureInfo.InvariantCulture) : n.ToString(CultureInfo.InvariantCulture))
            : throw new PublishException($"'{cron}': '{text}' is not a number.");
        if (part == "*") return "*";
        var slash = part.Split('/');
        if (slash.Length == 2)
        {
            if (slash[0].Contains('-')) throw new PublishException($"'{cron}': a stepped range ('{part}') has no systemd form; list the values.");
            var start = slash[0] == "*" ? first.ToString(pad ? "00" : "0", CultureInfo.InvariantCulture) : Number(slash[0]);
            return $"{start}/{int.Parse(slash[1], CultureInfo.InvariantCulture)}";
        }
        var range = part.Split('-');
        return range.Length == 2 ? $"{Number(range[0])}..{Number(range[1])}" : Number(part);
    }

    private static string WeekdayField(string field, string cron) => string.Join(',', field.Split(',').Select(part =>
    {
        string Day(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 7
            ? Days[n] : throw new PublishException($"'{cron}': '{text}' is not a day of the week (0-7).");
        var range = part.Split('-');
        return part.Contains('/') ? throw new PublishException($"'{cron}': steps in day-of-week have no systemd form.")
            : range.Length == 2 ? $"{Day(range[0])}..{Day(range[1])}" : Day(part);
    }));
}

/// <summary>What the publish output cannot express; the message names the expression and why.</summary>
public sealed class PublishException(string message) : Exception(message);
