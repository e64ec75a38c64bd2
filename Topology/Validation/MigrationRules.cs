using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Topology.Validation;

/// <summary>
/// `migrateFrom: &lt;server&gt;` on a database: it now lives on a managed server and is being moved there
/// from an existing one. The pair must be movable by the migrate verb (a MariaDB dump between MariaDB servers).
/// </summary>
internal static class MigrationRules
{
    public static void Validate(Estate estate, LoadContext context)
    {
        foreach (var db in estate.Databases.Where(d => d.MigrateFrom is not null))
        {
            var path = $"databases.{db.Name}.migrateFrom";
            var sourceName = db.MigrateFrom!;
            var target = estate.Servers.FirstOrDefault(s => s.Name == db.ServerName);
            var source = estate.Servers.FirstOrDefault(s => s.Name == sourceName);
            if (target is null) continue; // reported by DatabaseRules
            if (source is null)
            {
                context.Error(path, $"server '{sourceName}' is not defined; defined servers: {string.Join(", ", estate.Servers.Select(s => s.Name))}.");
                continue;
            }
            if (source.Name == target.Name)
                context.Error(path, $"'{sourceName}' is the database's own server: set server to the managed server it moves to (e.g. external-mariadb).");
            else if (!source.Existing)
                context.Error(path, $"'{sourceName}' is a managed server: migrateFrom names the existing server (existing: true) the database leaves, e.g. plesk.");
            else if (target.Existing)
                context.Error(path, $"server '{target.Name}' is existing: a database moves to a managed server; set server to one (e.g. external-mariadb).");
            else if (source.Engine != target.Engine)
                context.Error(path, $"'{sourceName}' is {source.Engine} but '{target.Name}' is {target.Engine}: migrate moves a database between servers of the same engine.");
            else if (source.Engine != Engine.MariaDb)
                context.Error(path, $"migrate moves MariaDB databases only; '{sourceName}' is {source.Engine}.");
        }
    }
}
