using System.Diagnostics;
using System.Text.RegularExpressions;
using Rollout.Provisioner.Tests.Infrastructure;
using Rollout.ServiceDefaults.Passwords;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Tests.Integration;

[Collection(StackCollection.Name)]
public sealed partial class CrashAndSafetyTests(ProvisionerStack stack) : IAsyncLifetime
{
    public Task InitializeAsync() => stack.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_process_killed_part_way_through_apply_converges_on_rerun_to_the_state_of_an_uninterrupted_run()
    {
        var dll = Secrets.ProvisionerProcess.Assembly;
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "apply", "--env", "local", "--state-dir", stack.StateDirectory, "--estate", stack.EstatePath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using (var process = Process.Start(start)!)
        {
            var executed = 0;
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("executed [", StringComparison.Ordinal) && ++executed == 10)
                {
                    process.Kill(); // SIGKILL: no cleanup, no flush
                    break;
                }
            }
            await process.WaitForExitAsync();
            Assert.True(executed == 10, "apply finished before it could be interrupted");
        }
        Assert.Equal(2, (await stack.LocalAsync("plan")).ExitCode); // really part-way

        var resumed = await stack.LocalAsync("apply");
        Assert.True(resumed.ExitCode == 0, resumed.All);
        Assert.Equal(0, (await stack.LocalAsync("plan")).ExitCode);
        var afterCrash = await StateFingerprint.ReadAsync(stack);
        foreach (var database in stack.Estate.Databases.Where(d => d.ServerName == ProvisionerStack.MariaDbName))
        {
            var login = await Logins.MariaDbAsync(stack, stack.MariaDb, database.User, (await stack.Secrets.GetAsync(database.PasswordSecretName, default))!, database.Name);
            Assert.True(login.ExitCode == 0, $"{database.User} after the crash: {login.Error}");
        }
        foreach (var database in stack.Estate.Databases.Where(d => d.ServerName == ProvisionerStack.PostgreSqlName))
        {
            var login = await Logins.PostgreSqlAsync(stack, database.User, (await stack.Secrets.GetAsync(database.PasswordSecretName, default))!, database.Name);
            Assert.True(login.ExitCode == 0, $"{database.User} after the crash: {login.Error}");
        }

        await stack.ResetAsync();
        Assert.Equal(0, (await stack.LocalAsync("apply")).ExitCode);
        Assert.Equal(await StateFingerprint.ReadAsync(stack), afterCrash);
    }

    [GeneratedRegex(@"^\s*\S*\s*(?<id>\d+)\s+(?<command>Connect|Query|Quit|Init DB)\s*(?<text>.*)$")]
    private static partial Regex GeneralLogLine();

    [GeneratedRegex(@"^\s*(CREATE|ALTER|DROP|GRANT|REVOKE|RENAME|SET\s+PASSWORD|SET\s+GLOBAL|INSERT|UPDATE|DELETE|REPLACE|TRUNCATE|FLUSH|INSTALL|UNINSTALL|LOAD|CALL)\b", RegexOptions.IgnoreCase)]
    private static partial Regex WritingStatement();

    [Fact]
    public async Task The_existing_Plesk_host_receives_no_DDL_or_DCL_during_plan_apply_prune_and_drift()
    {
        var logName = $"provisioner-test-{Guid.NewGuid():N}.log";
        var log = Path.Combine((await stack.MariaDbAdminAsync(stack.Plesk, "SELECT @@datadir")).Trim(), logName);
        await stack.MariaDbAdminAsync(stack.Plesk, $"SET GLOBAL general_log_file = '{logName}'; SET GLOBAL general_log = ON;");
        try
        {
            Assert.Equal(2, (await stack.LocalAsync("plan")).ExitCode);
            Assert.Equal(0, (await stack.LocalAsync("apply")).ExitCode);
            Assert.Equal(0, (await stack.LocalAsync("apply", "--prune")).ExitCode);
            Assert.Equal(0, (await stack.LocalAsync("drift")).ExitCode);
        }
        finally
        {
            await stack.MariaDbAdminAsync(stack.Plesk, "SET GLOBAL general_log = OFF;");
        }

        var users = new Dictionary<string, string>();
        var statements = new List<(string Id, string User, string Text)>();
        foreach (var line in await File.ReadAllLinesAsync(log))
        {
            var match = GeneralLogLine().Match(line);
            if (!match.Success) continue;
            var id = match.Groups["id"].Value;
            if (match.Groups["command"].Value == "Connect") users[id] = match.Groups["text"].Value.Split(' ')[0];
            else if (match.Groups["command"].Value == "Query") statements.Add((id, users.GetValueOrDefault(id, "?"), match.Groups["text"].Value));
        }
        // The test's own session that switches the log off is the one admin connection allowed in it.
        var testSessions = statements.Where(s => s.Text.Contains("general_log", StringComparison.Ordinal)).Select(s => s.Id).ToHashSet();
        Assert.Single(testSessions);
        foreach (var id in testSessions) users.Remove(id);
        statements.RemoveAll(s => testSessions.Contains(s.Id));
        // The log saw the Provisioner: every documented service user logged in to check its database.
        foreach (var database in stack.Estate.DatabasesOn(ProvisionerStack.PleskName))
            Assert.Contains(users.Values, u => u.StartsWith(database.User + "@", StringComparison.Ordinal));
        // (rollout_admin sessions in the log are the AppHost's health checks of its own stand-in; the
        // Provisioner has no admin account for an existing server.) Whoever sent it, nothing may write:
        var writes = statements.Where(s => WritingStatement().IsMatch(s.Text)).ToList();
        Assert.True(writes.Count == 0, "statements that write: " + string.Join("; ", writes));
        Assert.Contains(statements, s => s.Text.Trim() == "SELECT 1");
    }

    [Fact]
    public async Task No_password_hash_or_verifier_ever_appears_in_anything_the_Provisioner_prints()
    {
        var outputs = new List<string>();
        async Task Run(params string[] args) => outputs.Add((await stack.LocalAsync(args)).All);
        await Run("plan");
        await Run("plan", "--output", "json");
        await Run("apply");
        await stack.MariaDbAdminAsync(stack.MariaDb, "ALTER USER 'svc_crm'@'127.0.0.1' IDENTIFIED BY 'changed-by-hand'");
        await stack.PostgresAsync("ALTER ROLE svc_grafana PASSWORD 'changed-by-hand'");
        await Run("drift");
        await Run("drift", "--output", "json");
        await Run("plan", "--prune");
        await Run("apply", "--prune");
        var state = stack.CopyStateDirectory();
        await Rollout.ServiceDefaults.Secrets.LocalSecretStore.InStateDirectory(state).SetAsync(
            Rollout.ServiceDefaults.Local.LocalSecretNames.AdminPassword(ProvisionerStack.PostgreSqlName), new Secret("not-the-admin-password-123"), default);
        outputs.Add((await stack.LocalWithStateAsync(state, "apply")).All);
        var everything = string.Join("\n", outputs);

        var secrets = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(stack.Secrets.Path))!;
        Assert.True(secrets.Count >= 17);
        foreach (var (name, value) in secrets)
        {
            Assert.False(everything.Contains(value, StringComparison.Ordinal), $"the value of {name} was printed");
            Assert.False(everything.Contains(MariaDbNativePassword.Hash(new Secret(value))[1..], StringComparison.OrdinalIgnoreCase), $"the hash of {name} was printed");
        }
        Assert.DoesNotContain("not-the-admin-password-123", everything);
        Assert.DoesNotContain("SCRAM-SHA-256$", everything);
        Assert.Contains("PASSWORD '********'", everything);
    }
}
