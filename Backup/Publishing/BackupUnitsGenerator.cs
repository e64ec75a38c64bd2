using Rollout.Topology.Model;
using Rollout.Topology.Secrets;

namespace Rollout.Backup.Publishing;

/// <summary>A file of the publish output, relative to the output directory.</summary>
public sealed record PublishedFile(string RelativePath, string Content);

/// <summary>
/// What production needs to run the backups: a systemd service and timer per schedule of rollout.yaml (and the restore
/// test), jitter-free (AccuracySec=1s, no RandomizedDelaySec), serialised by one flock so runs never overlap, and an
/// environment-file template naming every secret (values come from the secret store, never from here).
/// Wired into the AppHost's `publish` by the lead: call Generate() and write the files under the output path.
/// </summary>
public sealed class BackupUnitsGenerator(Estate estate, string environment, string installDirectory = "/opt/rollout")
{
    public const string Directory = "backup";
    public const string EnvironmentFile = "/etc/rollout/backup.env";
    private const string LockFile = "/run/lock/rollout-backup.lock";

    public IReadOnlyList<PublishedFile> Generate()
    {
        var files = new List<PublishedFile>();
        foreach (var schedule in estate.Backup.Schedules)
            AddJob(files, schedule.Name, $"run --env {environment} --tier {schedule.Name}", schedule.Cron,
                $"{schedule.Name} backup of every database (kept {schedule.Retention}{(schedule.Offsite ? ", copied offsite" : "")})");
        if (estate.Backup.RestoreTestCron.Length > 0)
            AddJob(files, "restore-test", $"restore-test --env {environment}", estate.Backup.RestoreTestCron, "restore test of every database's newest backup");
        files.Add(new PublishedFile($"{Directory}/backup.env.template", EnvironmentTemplate()));
        return files;
    }

    private void AddJob(List<PublishedFile> files, string name, string arguments, string cron, string description)
    {
        var unit = $"rollout-backup-{name}";
        files.Add(new PublishedFile($"{Directory}/{unit}.service", string.Join('\n',
        [
            "[Unit]",
            $"Description=Rollout {description}, environment {environment}",
            "Wants=network-online.target",
            "After=network-online.target",
            "",
            "[Service]",
            "Type=oneshot",
            "User=rollout-backup",
            "StateDirectory=rollout",
            $"EnvironmentFile={EnvironmentFile}",
            $"Environment=ROLLOUT_ESTATE={installDirectory}/rollout.yaml",
            "Environment=ROLLOUT_STATE_DIR=/var/lib/rollout",
            // One lock for every backup job: a long daily run makes the weekly wait instead of competing with it.
            $"ExecStart=/usr/bin/flock {LockFile} {installDirectory}/backup/Rollout.Backup {arguments}",
            "Nice=10",
            "IOSchedulingClass=best-effort",
            "IOSchedulingPriority=7",
            "",
        ])));
        files.Add(new PublishedFile($"{Directory}/{unit}.timer", string.Join('\n',
        [
            "[Unit]",
            $"Description=Schedule of {unit} (rollout.yaml: \"{cron}\", {estate.Backup.Timezone})",
            "",
            "[Timer]",
            $"OnCalendar={CronToOnCalendar.Convert(cron, estate.Backup.Timezone)}",
            "AccuracySec=1s",
            "RandomizedDelaySec=0",
            "Persistent=true",
            $"Unit={unit}.service",
            "",
            "[Install]",
            "WantedBy=timers.target",
            "",
        ])));
    }

    private string EnvironmentTemplate()
    {
        var lines = new List<string>
        {
            $"# {EnvironmentFile} for the backup units of environment {environment} (mode 0600, owner rollout-backup).",
            "# Fill each value from the secret store (GitHub environment secrets, a vault); never commit the filled file.",
            "# " + BackupSecrets.LossWarning,
        };
        var spec = estate.Environment(environment);
        lines.AddRange(BackupSecrets.For(estate, spec).Select(s => $"{s.Name}=    # {s.Purpose}"));
        var bindingVariables = estate.EnabledServers(spec).Where(s => s.IsDatabaseServer && !s.Existing)
            .SelectMany(s => spec.Servers.TryGetValue(s.Name, out var e) ? new[] { e.Host, e.Port, e.AdminUser, e.AdminPassword, e.CaFile } : [])
            .Append(spec.AppServerIp).Concat(spec.AdminIps)
            .Select(setting => setting?.VariableName).OfType<string>().Distinct();
        lines.AddRange(bindingVariables.Select(v => $"{v}=    # binding of environment {environment} (restores and restore tests use the admin account)"));
        lines.Add("# For an sftp: offsite repository, the ssh command restic runs (key, port):");
        lines.Add("#BACKUP_OFFSITE_SFTP_COMMAND=ssh -i /etc/rollout/offsite_key -o BatchMode=yes backup@offsite.example -s sftp");
        return string.Join('\n', lines) + "\n";
    }
}
