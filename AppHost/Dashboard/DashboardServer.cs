using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rollout.AppHost.Local;
using Rollout.AppHost.Local.Processes;
using Rollout.AppHost.Orchestration;
using Rollout.ServiceDefaults.Redaction;

namespace Rollout.AppHost.Dashboard;

/// <summary>
/// The AppHost's dashboard, where Aspire has its own (port 18888): the live resource states, endpoints,
/// masked connection strings and each resource's log. Loopback only, and like Aspire's browser-token mode
/// it answers only a browser that opened the login link printed at start (other local users share loopback).
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    public const int DefaultPort = 18888;
    private const string CookieName = "rollout_dashboard";
    private const int LogTailBytes = 64 * 1024;

    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, Uri address, string token)
    {
        _app = app;
        Address = address;
        LoginUrl = new Uri(address, "/login?t=" + token);
    }

    /// <summary>Where it listens (the actual port when 0 was asked for).</summary>
    public Uri Address { get; }

    /// <summary>The link to open: it carries the run's token and sets the session cookie.</summary>
    public Uri LoginUrl { get; }

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/>; a port in use throws <see cref="IOException"/>.</summary>
    public static async Task<DashboardServer> StartAsync(ResourceStatusBoard board, StateLayout layout, int port, CancellationToken cancellationToken)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();

        app.MapGet("/login", (HttpContext context) =>
        {
            if (!TokenMatches(context.Request.Query["t"], token))
                return Results.Text("Wrong or missing token: open the dashboard link the AppHost printed.", statusCode: StatusCodes.Status401Unauthorized);
            context.Response.Cookies.Append(CookieName, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            return Results.Redirect("/");
        });
        app.Use(async (context, next) =>
        {
            if (context.Request.Path != "/login" && !TokenMatches(context.Request.Cookies[CookieName], token))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsync("Not signed in: open the dashboard link the AppHost printed (…/login?t=…).", context.RequestAborted);
                return;
            }
            await next(context);
        });
        app.MapGet("/", () => Results.Content(DashboardPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/api/resources", () => Results.Json(board.All.Select(s => new
        {
            s.Name,
            s.Kind,
            s.State,
            s.Endpoint,
            s.Pid,
            s.ConnectionString,
            s.Detail,
        })));
        app.MapGet("/api/logs/{name}", (string name) =>
        {
            // Only names of the model's resources: the name never becomes a path of its own.
            if (!board.All.Any(s => s.Name == name))
                return Results.Text($"No resource '{name}'.", statusCode: StatusCodes.Status404NotFound);
            var path = layout.Log(name);
            if (!File.Exists(path))
                return Results.Text($"'{name}' has no log (yet).", statusCode: StatusCodes.Status404NotFound);
            return Results.Text(SecretRedactor.Shared.Redact(LogTail.ReadText(path, LogTailBytes)), "text/plain; charset=utf-8");
        });

        await app.StartAsync(cancellationToken);
        var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardServer(app, new Uri(listening.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static bool TokenMatches(string? given, string token) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given), Encoding.ASCII.GetBytes(token));
}
