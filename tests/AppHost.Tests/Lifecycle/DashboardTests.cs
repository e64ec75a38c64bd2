using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Rollout.AppHost.Tests.Lifecycle;

/// <summary>The dashboard of the real AppHost program (Aspire's port 18888 by default; here a free one).</summary>
public sealed partial class DashboardTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Shows_live_states_and_logs_only_to_the_browser_that_opened_the_printed_link_and_never_a_secret()
    {
        using var state = new TemporaryDirectory();
        await using var apphost = await AppHostProcess.StartAsync(state.Path, "--dashboard-port", "0");
        await apphost.WaitUntilHealthyAsync(StartTimeout);
        var login = await WaitForLoginUrlAsync(apphost);
        var root = new Uri(login.GetLeftPart(UriPartial.Authority));

        using var stranger = new HttpClient { BaseAddress = root };
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/resources")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/login?t=" + new string('0', 32))).StatusCode);

        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = root };
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(login)).StatusCode);   // redirected to the page
        var resources = await browser.GetStringAsync("/api/resources");
        var rows = JsonDocument.Parse(resources).RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        foreach (var server in new[] { "plesk", "external-mariadb", "external-postgres", "redis" })
            Assert.Equal("Running", rows[server].GetProperty("state").GetString());
        Assert.Contains("Password=********", rows["mo_crm"].GetProperty("connectionString").GetString());
        var log = await browser.GetStringAsync("/api/logs/external-postgres");
        Assert.Contains("ready to accept connections", log);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/api/logs/..%2Fsecrets.json")).StatusCode);
        Assert.Contains("Rollout AppHost", await browser.GetStringAsync("/"));

        var everything = resources + log + string.Concat(await Task.WhenAll(
            new[] { "plesk", "external-mariadb", "redis" }.Select(n => browser.GetStringAsync("/api/logs/" + n))));
        var secrets = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(state.Path, "secrets.json")))!;
        Assert.NotEmpty(secrets);
        foreach (var (name, value) in secrets) Assert.False(everything.Contains(value, StringComparison.Ordinal), $"{name} shown by the dashboard");
    }

    [Fact]
    public async Task A_taken_port_leaves_the_estate_running_and_says_how_to_choose_another()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        using var state = new TemporaryDirectory();
        await using var apphost = await AppHostProcess.StartAsync(state.Path, "--dashboard-port", port);

        await apphost.WaitUntilHealthyAsync(StartTimeout);
        // The dashboard starts once the servers are healthy: its warning follows that line.
        await WaitForOutputAsync(apphost, "warning: dashboard not started");
        Assert.Contains($"warning: dashboard not started: 127.0.0.1:{port} is not available", apphost.Output);
        Assert.Contains("pass --dashboard-port <port> (0: any free one) or --no-dashboard", apphost.Output);
        Assert.DoesNotContain("Dashboard: http", apphost.Output);
    }

    [Fact]
    public async Task An_invalid_port_is_refused_before_anything_starts()
    {
        using var state = new TemporaryDirectory();
        await using var apphost = await AppHostProcess.StartAsync(state.Path, "--dashboard-port", "70000");

        Assert.Equal(1, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("--dashboard-port 70000: expected a port 0-65535", apphost.Output);
        Assert.False(Directory.Exists(Path.Combine(state.Path, "data")), "nothing may be created for a bad option");
    }

    private static async Task<Uri> WaitForLoginUrlAsync(AppHostProcess apphost)
    {
        await WaitForOutputAsync(apphost, "Dashboard: http");
        return new Uri(LoginUrl().Match(apphost.Output).Value);
    }

    private static async Task WaitForOutputAsync(AppHostProcess apphost, string text)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (apphost.Output.Contains(text, StringComparison.Ordinal)) return;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"'{text}' not printed within 10 s:{Environment.NewLine}{apphost.Output}");
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/login\?t=[0-9a-f]{32}")]
    private static partial Regex LoginUrl();
}
