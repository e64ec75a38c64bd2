using System.Diagnostics;
using System.Globalization;
using Rollout.Provisioner.Applying;
using Rollout.Provisioner.Bench;
using Rollout.Provisioner.Passwords;
using Rollout.Provisioner.Planning;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Secrets;
using Rollout.TestSupport.Estate;
using Rollout.Topology.Loading;

// Provisioner benchmarks (issue 3). Usage: dotnet run -c Release --project bench/provisioner [-- --runs 5 --count 1000 [--provisioner-dll <path>] [--keep]]
// Starts a real local estate through Aspire.Hosting.Testing (the tests' EstateTestHost) and measures:
//   1. a no-op `plan --env local` of the estate in rollout.yaml, whole process (dotnet exec …);
//   2. `apply` of a generated estate with N databases + users on one MariaDB and N on one PostgreSQL (per server);
//   3. a no-op `plan` of that generated estate, whole process.
var runs = Argument("--runs", 5);
var count = Argument("--count", 1000);
// --provisioner-dll: measure another build of the same code, e.g. a ReadyToRun publish (see docs/benchmarks.md).
var provisioner = ArgumentText("--provisioner-dll") ?? Path.Combine(AppContext.BaseDirectory, "Rollout.Provisioner.dll");
var estatePath = EstateLoader.Locate(AppContext.BaseDirectory);

Console.WriteLine($"provisioner: {provisioner}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {File.ReadLines("/proc/meminfo").First().Split(':')[1].Trim()} RAM, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; runs {runs}");

// One stack serves both estates: the generated one has the same servers (and the Plesk stand-in's five databases).
var directory = Directory.CreateTempSubdirectory("rollout-bench-").FullName;
try
{
    var generated = GeneratedEstate.Write(estatePath, count, directory);
    await using var stack = await StartWithRetriesAsync(generated);

    await RunProcessAsync("apply", stack.StateDirectory, estatePath);
    var times = new List<double>();
    for (var i = 0; i < runs; i++) times.Add(await RunProcessAsync("plan", stack.StateDirectory, estatePath));
    Report("no-op plan, 17-database estate (12 managed), whole process", times, goal: 1.0);
    times.Clear();
    for (var i = 0; i < runs; i++) times.Add(await RunProcessAsync("--help", stack.StateDirectory, estatePath));
    Report("  for comparison, `--help` (process start only)", times, goal: 1.0);

    var binding = await LocalEnvironmentBinder.BindAsync(EstateLoader.LoadFile(generated), stack.StateDirectory, default);
    var passwords = ServicePasswords.Generating(LocalSecretStore.InStateDirectory(stack.StateDirectory));
    var total = Stopwatch.StartNew();
    var plan = await new EnvironmentPlanner(binding, passwords).PlanAsync(prune: false, default);
    var planned = total.Elapsed.TotalSeconds;
    var lastStatement = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
    var statements = await new PlanExecutor(passwords).ExecuteAsync(plan, step =>
    {
        lastStatement[step.Server] = total.Elapsed.TotalSeconds;
        return Task.CompletedTask;
    }, default);
    Console.WriteLine($"apply of {count} + {count} databases: {statements} statements, plan {planned:F1} s, total {total.Elapsed.TotalSeconds:F1} s");
    foreach (var (server, seconds) in lastStatement.OrderBy(s => s.Key))
        Console.WriteLine($"  {server}: done at {seconds:F1} s (goal <= 60 s per server) {(seconds <= 60 ? "OK" : "MISSED")}");

    times.Clear();
    for (var i = 0; i < runs; i++) times.Add(await RunProcessAsync("plan", stack.StateDirectory, generated));
    Report($"no-op plan, {count} + {count} databases, whole process", times, goal: 2.0);

    if (args.Contains("--keep"))
    {
        // For profiling: the stack stays up (state directory and estate printed) until standard input closes.
        Console.WriteLine($"kept: --state-dir {stack.StateDirectory} --estate {generated}");
        await Console.In.ReadToEndAsync();
    }
}
finally
{
    Directory.Delete(directory, recursive: true);
}

// mariadb-install-db runs of other processes can collide in /tmp (temporary table names): retry the start.
static async Task<EstateTestHost> StartWithRetriesAsync(string estate)
{
    for (var attempt = 1; ; attempt++)
    {
        try
        {
            return await EstateTestHost.StartAsync(new EstateTestOptions { EstatePath = estate });
        }
        catch (Exception e) when (attempt < 3 && e is not OperationCanceledException)
        {
            Console.WriteLine($"estate start failed (attempt {attempt}: {e.Message}), retrying");
        }
    }
}

async Task<double> RunProcessAsync(string command, string stateDirectory, string estate)
{
    string[] arguments = command == "--help" ? [command] : [command, "--env", "local", "--state-dir", stateDirectory, "--estate", estate];
    var watch = Stopwatch.StartNew();
    var start = new ProcessStartInfo("dotnet", ["exec", provisioner, .. arguments])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEndAsync();
    var error = await process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    await output;
    if (process.ExitCode != 0) throw new InvalidOperationException($"{command} exited {process.ExitCode} (a no-op was expected): {error}");
    return watch.Elapsed.TotalSeconds;
}

void Report(string what, List<double> seconds, double goal)
{
    seconds.Sort();
    var median = seconds[seconds.Count / 2];
    Console.WriteLine($"{what}: median {median:F2} s of {seconds.Count} (min {seconds[0]:F2}, max {seconds[^1]:F2}); goal <= {goal:F0} s {(median <= goal ? "OK" : "MISSED")}");
}

string? ArgumentText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
