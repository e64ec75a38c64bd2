using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rollout.TestSupport.Estate;
using Rollout.Provisioner.Commands;
using Rollout.ServiceDefaults.Local;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;

// Migration benchmark (issue 12). Usage: dotnet run -c Release --project bench/migration [-- --megabytes 1000]
// Starts a real local stack, fills mo_votes on the Plesk replica with ~N MB of generated rows, then measures on the same two
// servers: the copy alone (mariadb-dump | mariadb, as migrate runs them), `migrate` (preflight+backup+copy+verification),
// `migrate --verify-only`, and `pt-table-sync --print` (Debian's percona-toolkit) as the independent reference.
var megabytes = Argument("--megabytes", 200);
var rows = megabytes * 1024L * 1024L / 400; // ~400 bytes a row with its index entry
var estatePath = EstateLoader.Locate(AppContext.BaseDirectory);
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {rows:N0} rows (~{megabytes} MB)");

var directory = Directory.CreateTempSubdirectory("rollout-migration-bench-").FullName;
try
{
    await using var stack = await EstateTestHost.StartAsync();
    var plesk = stack.Endpoint("plesk");
    var target = stack.Endpoint("external-mariadb");
    var pleskPassword = (await stack.Secrets.GetAsync(LocalSecretNames.AdminPassword("plesk"), default))!.Reveal();
    var targetPassword = (await stack.Secrets.GetAsync(LocalSecretNames.AdminPassword("external-mariadb"), default))!.Reveal();

    var seed = Stopwatch.StartNew();
    await Sql(plesk, pleskPassword, "GRANT SHOW VIEW, TRIGGER, EVENT ON `mo\\_votes`.* TO 'svc_votes'@'localhost'; GRANT SHOW VIEW, TRIGGER, EVENT ON `mo\\_votes`.* TO 'svc_votes'@'127.0.0.1'; " +
        "CREATE TABLE mo_votes.bench_rows (id BIGINT PRIMARY KEY, label VARCHAR(100) NOT NULL, body TEXT NULL, amount DECIMAL(18,4) NULL, at DATETIME(6) NULL, digest VARBINARY(32) NULL) " +
        "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    for (long from = 1; from <= rows; from += 500_000)
        await Sql(plesk, pleskPassword, $"SET NAMES utf8mb4; USE mo_votes; INSERT INTO bench_rows SELECT seq, CONCAT('Wähler ', seq, ' 🗳'), IF(seq % 10 = 0, NULL, REPEAT(MD5(seq), 8)), seq / 7, " +
                                        $"'2020-01-01' + INTERVAL seq SECOND, UNHEX(SHA2(seq, 256)) FROM seq_{from}_to_{Math.Min(rows, from + 499_999)}");
    var analysed = await Sql(plesk, pleskPassword, "ANALYZE TABLE mo_votes.bench_rows PERSISTENT FOR ALL; SELECT ROUND((DATA_LENGTH + INDEX_LENGTH) / 1048576) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mo_votes' AND TABLE_NAME = 'bench_rows'");
    var size = analysed.Trim().Split('\n')[^1];
    Console.WriteLine($"seeded {rows:N0} rows, {size} MB on disk, in {seed.Elapsed.TotalSeconds:F0} s");

    // The copy alone, as migrate runs it: mariadb-dump of the source, then the mariadb client into a scratch database.
    var dumpFile = Path.Combine(directory, "copy.sql");
    var copy = Stopwatch.StartNew();
    await Tool("mariadb-dump", plesk, pleskPassword, ["--single-transaction", "--skip-lock-tables", "--hex-blob", "--default-character-set=utf8mb4", "--result-file=" + dumpFile, "mo_votes"], null);
    var dumped = copy.Elapsed.TotalSeconds;
    await Sql(target, targetPassword, "DROP DATABASE IF EXISTS bench_copy; CREATE DATABASE bench_copy");
    await Tool("mariadb", target, targetPassword, ["--database=bench_copy"], dumpFile);
    var copied = copy.Elapsed.TotalSeconds;
    await Sql(target, targetPassword, "DROP DATABASE bench_copy");
    Console.WriteLine($"copy alone: dump {dumped:F1} s + restore {copied - dumped:F1} s = {copied:F1} s ({new FileInfo(dumpFile).Length / 1048576.0:F0} MB dump)");

    var variant = Path.Combine(directory, "rollout.yaml");
    await File.WriteAllTextAsync(variant, (await File.ReadAllTextAsync(estatePath)).Replace(
        "mo_votes:      { server: plesk, user: svc_votes,      userHost: localhost, purpose: Voting-System }",
        "mo_votes:      { server: external-mariadb, migrateFrom: plesk, user: svc_votes, purpose: Voting-System, charset: utf8mb4, collation: utf8mb4_unicode_ci }", StringComparison.Ordinal));
    await Provisioner("apply");
    var migrate = Stopwatch.StartNew();
    await Provisioner("migrate", "mo_votes", "--work-dir", Path.Combine(directory, "work"));
    Console.WriteLine($"migrate (preflight, kept backup, restore, verification, cut-over): {migrate.Elapsed.TotalSeconds:F1} s");
    var verify = Stopwatch.StartNew();
    await Provisioner("migrate", "mo_votes", "--verify-only", "--work-dir", Path.Combine(directory, "work"));
    var verified = verify.Elapsed.TotalSeconds;
    Console.WriteLine($"verify-only (both sides, 1000-row chunks): {verified:F1} s = {rows / verified:N0} rows/s, {new FileInfo(dumpFile).Length / 1048576.0 / verified:F1} MB/s (dump size) per side; " +
                      $"{(verified < copied ? "faster" : "SLOWER")} than the copy alone ({copied:F1} s)");

    // The independent reference: pt-table-sync compares the same two tables (empty output: equal).
    // Passwords go into defaults files (mode 0600), not onto the command line.
    var sourceDefaults = await DefaultsFileAsync("pt-source.cnf", pleskPassword);
    var targetDefaults = await DefaultsFileAsync("pt-target.cnf", targetPassword);
    var pt = Stopwatch.StartNew();
    var ptResult = await Run("pt-table-sync", ["--print", $"F={sourceDefaults},h=127.0.0.1,P={plesk.Port},u={LocalSecretNames.AdminUser},D=mo_votes,t=bench_rows",
        $"F={targetDefaults},h=127.0.0.1,P={target.Port},u={LocalSecretNames.AdminUser}"], null, new Dictionary<string, string>());
    Console.WriteLine(ptResult.ExitCode == 0
        ? $"pt-table-sync --print: {pt.Elapsed.TotalSeconds:F1} s, {ptResult.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} statements printed (0: equal)"
        : $"pt-table-sync --print failed (exit {ptResult.ExitCode}): {ptResult.Error.Replace(pleskPassword, "***", StringComparison.Ordinal).Replace(targetPassword, "***", StringComparison.Ordinal).Trim()}");

    // Sanity of both: one row changed on the target must be found by each.
    await Sql(target, targetPassword, $"UPDATE mo_votes.bench_rows SET amount = amount + 1 WHERE id = {rows / 2}");
    var found = await Run("pt-table-sync", ["--print", $"F={sourceDefaults},h=127.0.0.1,P={plesk.Port},u={LocalSecretNames.AdminUser},D=mo_votes,t=bench_rows",
        $"F={targetDefaults},h=127.0.0.1,P={target.Port},u={LocalSecretNames.AdminUser}"], null, new Dictionary<string, string>());
    Console.WriteLine($"after changing row id={rows / 2} on the target: pt-table-sync printed {found.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} statement(s)");
    try
    {
        await Provisioner("migrate", "mo_votes", "--verify-only", "--work-dir", Path.Combine(directory, "work"));
        Console.WriteLine("verify-only did NOT find the changed row");
    }
    catch (InvalidOperationException e) when (e.Message.Contains($"row id={rows / 2} changed", StringComparison.Ordinal))
    {
        Console.WriteLine($"verify-only named it: row id={rows / 2} changed");
    }

    async Task<string> DefaultsFileAsync(string name, string password)
    {
        var path = Path.Combine(directory, name);
        await File.WriteAllTextAsync(path, "");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(path, $"[client]\nssl-ca={stack.CaCertificatePath}\npassword={password}\n");
        return path;
    }

    async Task Provisioner(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var io = new CommandIo(output, error, _ => null, directory);
        var root = new RootCommand { ApplyCommand.Create(io), MigrateCommand.Create(io) };
        var exit = await root.Parse([.. arguments, "--estate", variant, "--env", "local", "--state-dir", stack.StateDirectory]).InvokeAsync();
        if (exit != 0) throw new InvalidOperationException($"{string.Join(' ', arguments)} exited {exit}: {output}{error}");
    }
}
finally
{
    Directory.Delete(directory, recursive: true);
}

static async Task<string> Sql(ServerEndpoint endpoint, string password, string sql) => (await Tool("mariadb", endpoint, password, ["-N", "-B", "-e", sql], null)).Output;

static async Task<(int ExitCode, string Output, string Error)> Tool(string program, ServerEndpoint endpoint, string password, string[] arguments, string? input)
{
    var result = await Run(program, [$"--host={endpoint.Host}", $"--port={endpoint.Port}", $"--user={LocalSecretNames.AdminUser}", "--ssl", $"--ssl-ca={endpoint.CaFile}", .. arguments],
        input, new Dictionary<string, string> { ["MYSQL_PWD"] = password });
    if (result.ExitCode != 0) throw new InvalidOperationException($"{program} failed: {result.Error}");
    return result;
}

static async Task<(int ExitCode, string Output, string Error)> Run(string program, string[] arguments, string? input, Dictionary<string, string> environment)
{
    var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
    foreach (var (name, value) in environment) start.Environment[name] = value;
    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEndAsync();
    var error = process.StandardError.ReadToEndAsync();
    if (input is not null)
    {
        await using (var file = File.OpenRead(input)) await file.CopyToAsync(process.StandardInput.BaseStream);
        process.StandardInput.Close();
    }
    await process.WaitForExitAsync();
    return (process.ExitCode, await output, await error);
}

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
