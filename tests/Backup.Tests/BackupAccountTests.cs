using MySqlConnector;
using Npgsql;
using Rollout.Backup.Tests.Infrastructure;
using Rollout.ServiceDefaults.Connections;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

namespace Rollout.Backup.Tests;

/// <summary>The dump account the Provisioner creates: it reads, it never writes, its grants are escaped, and a second apply leaves it alone.</summary>
[Collection(BackupCollection.Name)]
public sealed class BackupAccountTests(BackupStack stack)
{
    private async Task<Secret> PasswordAsync(string secret) =>
        (await LocalSecretStore.InStateDirectory(stack.StateDirectory).GetAsync(secret, default))!;

    [Fact]
    public async Task The_MariaDB_backup_account_reads_but_cannot_write_and_its_grant_is_escaped()
    {
        var endpoint = stack.Endpoint(BackupStack.MariaDbServer);
        await using var connection = DatabaseConnectionFactory.MariaDb(endpoint, stack.Estate.Backup.Account, await PasswordAsync("EXTERNAL_MARIADB_BACKUP_PASS"), SeedData.MariaDbDatabase);
        await connection.OpenAsync();
        Assert.Equal(5L, await new MySqlCommand("SELECT COUNT(*) FROM contacts", connection).ExecuteScalarAsync());
        var denied = await Assert.ThrowsAsync<MySqlException>(() => new MySqlCommand("INSERT INTO contacts (name) VALUES ('x')", connection).ExecuteNonQueryAsync());
        Assert.Equal(MySqlErrorCode.TableAccessDenied, denied.ErrorCode);

        await using var admin = (MySqlConnection)DatabaseConnectionFactory.Admin(endpoint);
        await admin.OpenAsync();
        var patterns = new List<string>();
        await using (var reader = await new MySqlCommand($"SELECT Db FROM mysql.db WHERE User = '{stack.Estate.Backup.Account}'", admin).ExecuteReaderAsync())
            while (await reader.ReadAsync()) patterns.Add(reader.GetString(0));
        Assert.Contains("mo\\_crm", patterns);
        Assert.DoesNotContain("mo_crm", patterns);
    }

    [Fact]
    public async Task The_PostgreSQL_backup_role_reads_but_cannot_write()
    {
        var endpoint = stack.Endpoint(BackupStack.PostgreSqlServer);
        await using var connection = DatabaseConnectionFactory.PostgreSql(endpoint, stack.Estate.Backup.Account, await PasswordAsync("EXTERNAL_POSTGRES_BACKUP_PASS"), SeedData.PostgreSqlDatabase);
        await connection.OpenAsync();
        Assert.Equal(4L, await new NpgsqlCommand("SELECT count(*) FROM accounts", connection).ExecuteScalarAsync());
        var denied = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("INSERT INTO accounts (name) VALUES ('x')", connection).ExecuteNonQueryAsync());
        Assert.Equal("42501", denied.SqlState);
    }

    [Fact]
    public async Task A_second_apply_leaves_the_backup_accounts_alone_and_reports_no_drift_for_them()
    {
        var apply = await stack.ProvisionAsync();
        Assert.True(apply.Exit == 0, apply.Output);
        Assert.DoesNotContain("backup account", apply.Output);
        Assert.DoesNotContain(stack.Estate.Backup.Account, apply.Output);
    }
}
