using Rollout.AppHost.Local.Processes;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Local.PostgreSql;

/// <summary>
/// PostgreSQL creates a database with LC_COLLATE/LC_CTYPE only if the operating system has that
/// locale. The locales come from rollout.yaml (de_AT.UTF-8, en_US.UTF-8); missing ones are generated
/// when root (/etc/locale.gen + locale-gen), else the exact command is printed.
/// </summary>
public static class LocalePrerequisite
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static IReadOnlyList<string> RequiredLocales(Estate estate) =>
        estate.Databases.SelectMany(d => new[] { d.LcCollate, d.LcCtype }).OfType<string>()
            .Where(l => l is not "C" and not "POSIX" && !l.StartsWith("C.", StringComparison.Ordinal)).Distinct().Order().ToList();

    public static async Task EnsureAsync(Estate estate, CancellationToken cancellationToken,
        Func<Task<IReadOnlySet<string>>>? installed = null, bool? privileged = null)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            installed ??= InstalledLocalesAsync;
            var present = await installed();
            var missing = RequiredLocales(estate).Where(l => !present.Contains(Normalize(l))).ToList();
            if (missing.Count == 0) return;
            var command = $"sudo sh -c \"{string.Join(" && ", missing.Select(l => $"sed -i 's/^# *{l} /{l} /' /etc/locale.gen && (grep -q '^{l} ' /etc/locale.gen || echo '{l} UTF-8' >> /etc/locale.gen)"))} && locale-gen\"";
            if (!(privileged ?? Environment.IsPrivilegedProcess))
                throw new LocalServerException($"PostgreSQL needs the locales {string.Join(", ", missing)} (rollout.yaml lcCollate/lcCtype), which this machine lacks. Generate them with:{Environment.NewLine}  {command}");
            await GenerateAsync(missing, cancellationToken);
            present = await InstalledLocalesAsync();
            var still = missing.Where(l => !present.Contains(Normalize(l))).ToList();
            if (still.Count > 0)
                throw new LocalServerException($"locale-gen did not produce {string.Join(", ", still)}. Install the Debian package locales (`apt-get install -y locales`) and run:{Environment.NewLine}  {command}");
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>de_AT.UTF-8 → de_at.utf8, the form `locale -a` prints.</summary>
    public static string Normalize(string locale) => locale.Replace("UTF-8", "utf8", StringComparison.OrdinalIgnoreCase).Replace("-", "").ToLowerInvariant();

    private static async Task<IReadOnlySet<string>> InstalledLocalesAsync()
    {
        var output = await ProgramOutput.ReadAsync("locale", ["-a"], CancellationToken.None);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Normalize).ToHashSet();
    }

    private static async Task GenerateAsync(IReadOnlyList<string> locales, CancellationToken cancellationToken)
    {
        const string LocaleGen = "/etc/locale.gen";
        // A bare Debian has no locale-gen: it comes with the package locales.
        if (!File.Exists("/usr/sbin/locale-gen")) PackageInstaller.TryInstall("locales", "/usr/sbin/locale-gen");
        var lines = File.Exists(LocaleGen) ? (await File.ReadAllLinesAsync(LocaleGen, cancellationToken)).ToList() : [];
        foreach (var locale in locales)
        {
            var index = lines.FindIndex(l => l.TrimStart('#', ' ').StartsWith(locale + " ", StringComparison.Ordinal));
            if (index >= 0) lines[index] = lines[index].TrimStart('#', ' ');
            else lines.Add($"{locale} UTF-8");
        }
        await File.WriteAllLinesAsync(LocaleGen, lines, cancellationToken);
        await ProgramOutput.ReadAsync("locale-gen", [], cancellationToken);
    }
}
