using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Rollout.GitHubStandIn;
using Rollout.Provisioner.Secrets;
using Rollout.Topology.Loading;
using Rollout.Topology.Secrets;

// Times `secrets sync --env production` (the plan's secrets) against the GitHub stand-in on 127.0.0.1:
// a first sync (every secret created) and a second, unchanged one (no writes). Median of N runs.
var runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
var estatePath = EstateLoader.Locate(AppContext.BaseDirectory);
var catalogue = SecretCatalogue.For(EstateLoader.LoadFile(estatePath), "production");
var work = Directory.CreateTempSubdirectory("rollout-bench-secrets-").FullName;
var keyFile = Path.Combine(work, "deploy_key");
await File.WriteAllTextAsync(keyFile, "-----BEGIN OPENSSH PRIVATE KEY-----\n" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(180)) + "\n-----END OPENSSH PRIVATE KEY-----\n");

var first = new List<double>();
var second = new List<double>();
try
{
    for (var run = 0; run < runs; run++)
    {
        await using var standIn = await GitHubStandIn.StartAsync();
        standIn.AddRepository("mo-org", "mo-rollout");
        standIn.AddTeam("mo-org", "db-admins");
        var variables = new Dictionary<string, string>
        {
            ["GITHUB_TOKEN"] = standIn.Token,
            ["SSH_PRIVATE_KEY_FILE"] = keyFile,
            ["MYSQL_HOST"] = "db1.example",
            ["PG_HOST"] = "db2.example",
        };
        foreach (var entry in catalogue.Entries.Where(e => e.Origin == SecretOriginKind.ServicePassword))
            variables[entry.Name] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var state = Path.Combine(work, $"state-{run}");
        first.Add(await TimeSyncAsync(variables, standIn.BaseUrl, state));
        second.Add(await TimeSyncAsync(variables, standIn.BaseUrl, state));
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

Console.WriteLine($"secrets: {catalogue.Entries.Count}, runs: {runs}");
Console.WriteLine($"first sync (all created):   median {Median(first):0} ms (min {first.Min():0}, max {first.Max():0})");
Console.WriteLine($"second sync (no writes):    median {Median(second):0} ms (min {second.Min():0}, max {second.Max():0})");
return 0;

async Task<double> TimeSyncAsync(Dictionary<string, string> variables, string apiUrl, string state)
{
    var root = new RootCommand("bench");
    foreach (var command in SecretsCommands.Create(name => variables.GetValueOrDefault(name))) root.Subcommands.Add(command);
    var output = new StringWriter();
    var clock = Stopwatch.StartNew();
    var code = await root.Parse(["secrets", "sync", "--env", "production", "--to", "github", "--repo", "mo-org/mo-rollout",
        "--api-url", apiUrl, "--estate", estatePath, "--state-dir", state]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
    clock.Stop();
    if (code != 0) throw new InvalidOperationException("sync failed:\n" + output);
    return clock.Elapsed.TotalMilliseconds;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
