using System.Diagnostics;

namespace Rollout.AppHost.Tests.Publishing;

/// <summary>
/// Network namespaces for one test run: a database host joined by its own veth link to each client
/// (app server, admin, outsider). Addresses are 10.251.x.0/24 and exist only inside these namespaces;
/// nothing is routed outside them. Names are unique per run; dispose kills every process left in the
/// namespaces and deletes them, also when the test failed.
/// </summary>
internal sealed class NetworkLab : IAsyncDisposable
{
    private readonly List<string> _namespaces = [];
    private readonly List<Process> _processes = [];
    private readonly string _id = $"{Environment.ProcessId % 10000:D4}{Random.Shared.Next(0x1000, 0xffff):x4}";

    public string DbHost => $"rdb{_id}";

    private NetworkLab()
    {
    }

    /// <summary>A client namespace linked to the DB host: its own address and the DB host's address on that link.</summary>
    public sealed record Client(string Namespace, string Address, string DbAddress);

    public static async Task<(NetworkLab Lab, Client App, Client Admin, Client Outsider)> CreateAsync()
    {
        var lab = new NetworkLab();
        try
        {
            await lab.AddNamespaceAsync(lab.DbHost);
            var app = await lab.LinkAsync("app", 1);
            var admin = await lab.LinkAsync("adm", 2);
            var outsider = await lab.LinkAsync("out", 3);
            return (lab, app, admin, outsider);
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task AddNamespaceAsync(string name)
    {
        await Ip("netns", "add", name);
        _namespaces.Add(name);
        await Ip("-n", name, "link", "set", "lo", "up");
    }

    private async Task<Client> LinkAsync(string role, int subnet)
    {
        var ns = $"r{role}{_id}";
        await AddNamespaceAsync(ns);
        var dbEnd = $"v{role}d{_id}";
        var clientEnd = $"v{role}c{_id}";
        await Ip("-n", DbHost, "link", "add", dbEnd, "type", "veth", "peer", "name", clientEnd, "netns", ns);
        var dbAddress = $"10.251.{subnet}.1";
        var clientAddress = $"10.251.{subnet}.2";
        await Ip("-n", DbHost, "addr", "add", dbAddress + "/24", "dev", dbEnd);
        await Ip("-n", ns, "addr", "add", clientAddress + "/24", "dev", clientEnd);
        await Ip("-n", DbHost, "link", "set", dbEnd, "up");
        await Ip("-n", ns, "link", "set", clientEnd, "up");
        return new Client(ns, clientAddress, dbAddress);
    }

    /// <summary>Runs a command inside a namespace and waits for it.</summary>
    public static Task<ProcessRunner.Result> ExecAsync(string ns, params string[] command) =>
        ProcessRunner.RunAsync("ip", ["netns", "exec", ns, ProcessRunner.Resolve(command[0]) ?? command[0], .. command[1..]], timeout: TimeSpan.FromSeconds(30));

    /// <summary>Starts a long-running process inside a namespace; it is killed on dispose.</summary>
    public Process Start(string ns, params string[] command)
    {
        var start = new ProcessStartInfo(ProcessRunner.Resolve("ip") ?? "ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "netns", "exec", ns, ProcessRunner.Resolve(command[0]) ?? command[0] }.Concat(command[1..])) start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    /// <summary>True when a TCP handshake from the client namespace to host:port completes within the timeout.</summary>
    public static async Task<bool> CanConnectAsync(string ns, string host, int port) =>
        (await ExecAsync(ns, "timeout", "3", "bash", "-c", $"exec 3<>/dev/tcp/{host}/{port}")).ExitCode == 0;

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }

    private static async Task Ip(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("ip", arguments);
        if (result.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed: {result.All}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                // Already gone, or reaped below through the namespace's pid list.
            }
            process.Dispose();
        }
        foreach (var ns in _namespaces)
        {
            // Anything still running inside our own namespace was started by this test.
            var pids = await ProcessRunner.RunAsync("ip", ["netns", "pids", ns]);
            foreach (var pid in pids.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                await ProcessRunner.RunAsync("kill", ["-9", pid.Trim()]);
            await ProcessRunner.RunAsync("ip", ["netns", "del", ns]);
        }
    }

    public static async Task<bool> ExistsAsync(string ns) =>
        (await ProcessRunner.RunAsync("ip", ["netns", "list"])).Output.Split('\n').Any(l => l.Split(' ')[0] == ns);
}
