using System.Text;

namespace Rollout.Provisioner.Tests.Infrastructure;

/// <summary>
/// The managed state of both servers as plain catalog text, read with the test's own SQL (not the
/// Provisioner's reader), to compare an interrupted-then-resumed run with an uninterrupted one.
/// </summary>
public static class StateFingerprint
{
    public static async Task<string> ReadAsync(ProvisionerStack stack)
    {
        var text = new StringBuilder();
        text.AppendLine(await stack.MariaDbAdminAsync(stack.MariaDb,
            "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'mo\\_%' ORDER BY 1;" +
            "SELECT User, Host, JSON_VALUE(Priv, '$.ssl_type'), JSON_VALUE(Priv, '$.plugin'), JSON_VALUE(Priv, '$.access') FROM mysql.global_priv WHERE User LIKE 'svc\\_%' ORDER BY 1, 2;" +
            "SELECT * FROM mysql.db WHERE User LIKE 'svc\\_%' ORDER BY User, Host, Db;"));
        text.AppendLine(await stack.PostgresAsync(
            "SELECT datname, datcollate, datctype, pg_encoding_to_char(encoding), pg_get_userbyid(datdba), datacl::text FROM pg_database WHERE datname LIKE 'mo\\_%' ORDER BY 1"));
        text.AppendLine(await stack.PostgresAsync(
            "SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname LIKE 'svc\\_%' ORDER BY 1"));
        foreach (var database in stack.Estate.DatabasesOn(ProvisionerStack.PostgreSqlName))
        {
            var exists = await stack.PostgresAsync($"SELECT count(*) FROM pg_database WHERE datname = '{database.Name}'");
            if (exists.Trim() == "1")
                text.AppendLine(database.Name + ": " + (await stack.PostgresAsync("SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension", database.Name)).Trim());
        }
        return text.ToString();
    }
}
