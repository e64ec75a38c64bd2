using MySqlConnector;
using Npgsql;
using Rollout.ServiceDefaults.Connections;

namespace Rollout.Backup.Tests.Infrastructure;

/// <summary>
/// Data that breaks naive backups, on both engines: utf8mb4 text with emoji, NULL next to '' and empty BLOBs, binary
/// bytes, DECIMAL/NUMERIC and DATETIME/TIMESTAMP extremes, a view, a trigger, routines (and a MariaDB event). Plus a
/// 20 MB table of random bytes in mo_n8n, so a dump takes long enough to be killed and no longer fits a small disk.
/// </summary>
public static class SeedData
{
    public const string MariaDbDatabase = "mo_crm";
    public const string BulkDatabase = "mo_n8n";
    public const string PostgreSqlDatabase = "mo_idp";
    public const int ContactRows = 5;

    private static readonly string[] MariaDb =
    [
        "CREATE TABLE contacts (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(100) NOT NULL, note TEXT NULL, photo BLOB NULL, " +
        "balance DECIMAL(20,6) NULL, born DATETIME(6) NULL, updated TIMESTAMP NULL DEFAULT NULL) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci",
        "CREATE TABLE audit (id INT PRIMARY KEY AUTO_INCREMENT, contact_id INT NOT NULL, at DATETIME NOT NULL) DEFAULT CHARSET utf8mb4",
        "CREATE TRIGGER contacts_audit AFTER INSERT ON contacts FOR EACH ROW INSERT INTO audit (contact_id, at) VALUES (NEW.id, '2026-01-01 00:00:00')",
        "INSERT INTO contacts (name, note, photo, balance, born, updated) VALUES " +
        "('Zoë 😀 Ünïcødé', NULL, 0x00FF10, -99999999999999.999999, '1000-01-01 00:00:00.000000', NULL), " +
        "('🎉🚀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '', X'', 0, '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07'), " +
        "('tabs\\tand\\nnewlines', 'quote '' and backslash \\\\', 0x0000000000, 0.000001, '2024-02-29 12:00:00.123456', '1970-01-01 00:00:01'), " +
        "('NULLs', NULL, NULL, NULL, NULL, NULL), " +
        "('文字 עברית', 'mixed 😀', RANDOM_BYTES(64), 99999999999999.999999, '2000-01-01 00:00:00', '2026-11-29 12:00:00')",
        "CREATE VIEW rich_contacts AS SELECT id, name, balance FROM contacts WHERE balance > 0",
        "CREATE PROCEDURE add_contact(IN contact_name VARCHAR(100)) BEGIN INSERT INTO contacts (name) VALUES (contact_name); END",
        "CREATE FUNCTION contact_count() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM contacts)",
        "CREATE EVENT purge_audit ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit WHERE at < '2000-01-01'",
    ];

    private static readonly string[] PostgreSql =
    [
        "CREATE TABLE accounts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL, note text, avatar bytea, " +
        "balance numeric(30,10), born timestamp, seen timestamptz, tags text[])",
        "CREATE TABLE audit (id bigserial PRIMARY KEY, account text NOT NULL, at timestamp NOT NULL)",
        "CREATE FUNCTION audit_account() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (account, at) VALUES (NEW.name, '2026-01-01'); RETURN NEW; END $$",
        "CREATE TRIGGER accounts_audit AFTER INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION audit_account()",
        "INSERT INTO accounts (name, note, avatar, balance, born, seen, tags) VALUES " +
        "('Zoë 😀 Ünïcødé', NULL, '\\x00ff10', -99999999999999999999.9999999999, '4713-01-01 00:00:00 BC', 'infinity', ARRAY['a', NULL, '😀']), " +
        "('🎉🚀', '', '\\x', 'NaN', '294276-12-31 23:59:59.999999', '-infinity', '{}'), " +
        "('NULLs', NULL, NULL, NULL, NULL, NULL, NULL), " +
        "('tabs\tand\nnewlines', 'quote '' and backslash \\', gen_random_bytes(64), 0.0000000001, '2024-02-29 12:00:00.123456', '2026-11-29 12:00:00+01', ARRAY['x'])",
        "CREATE VIEW rich_accounts AS SELECT name, balance FROM accounts WHERE balance > 0",
        "CREATE PROCEDURE add_account(account_name text) LANGUAGE sql AS $$ INSERT INTO accounts (name) VALUES (account_name) $$",
    ];

    public static async Task SeedAsync(BackupStack stack)
    {
        var mariaDb = stack.Endpoint(BackupStack.MariaDbServer);
        await using (var connection = (MySqlConnection)DatabaseConnectionFactory.Admin(mariaDb, MariaDbDatabase))
        {
            await connection.OpenAsync();
            foreach (var sql in MariaDb) await new MySqlCommand(sql, connection).ExecuteNonQueryAsync();
        }
        await using (var connection = (MySqlConnection)DatabaseConnectionFactory.Admin(mariaDb, BulkDatabase))
        {
            await connection.OpenAsync();
            await new MySqlCommand("CREATE TABLE bulk (id INT PRIMARY KEY, payload BLOB NOT NULL)", connection).ExecuteNonQueryAsync();
            await new MySqlCommand("INSERT INTO bulk SELECT seq, RANDOM_BYTES(1024) FROM seq_1_to_20000", connection) { CommandTimeout = 120 }.ExecuteNonQueryAsync();
        }
        await using (var connection = (NpgsqlConnection)DatabaseConnectionFactory.Admin(stack.Endpoint(BackupStack.PostgreSqlServer), PostgreSqlDatabase))
        {
            await connection.OpenAsync();
            foreach (var sql in PostgreSql) await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
        }
    }
}
