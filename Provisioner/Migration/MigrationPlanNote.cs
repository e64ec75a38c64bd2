using Rollout.Topology.Binding;

namespace Rollout.Provisioner.Migration;

/// <summary>
/// The migrations declared in rollout.yaml, shown under `plan`: apply creates the target database and its service user
/// as for any new database; moving the data is the separate, verified `migrate` step.
/// </summary>
public static class MigrationPlanNote
{
    public static void Write(TextWriter output, EnvironmentBinding binding)
    {
        var moving = binding.Databases.Where(d => d.IsMigration).ToList();
        if (moving.Count == 0) return;
        output.WriteLine();
        output.WriteLine("Migrations declared (data is moved by `migrate`, never by apply; the source is only read):");
        foreach (var database in moving)
            output.WriteLine($"  ~ migrate {database.Name}: {database.MigrateFrom} → {database.ServerName} as {database.User}   (then: migrate {database.Name} --env {binding.Name})");
    }
}
