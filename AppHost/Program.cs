using Microsoft.Extensions.DependencyInjection;
using Rollout.AppHost.Hosting;
using Rollout.AppHost.Local;
using Rollout.ServiceDefaults.Redaction;
using Rollout.Topology.Loading;

// `dotnet run --project AppHost`: the estate of rollout.yaml under Aspire's orchestrator (issue 13): every server a
// real process, the Provisioner and the SmokeRunner as projects, the Aspire dashboard. `publish` writes compose,
// workflows and host configurations; `--publisher manifest --output-path <file>` Aspire's own manifest.
if (args.Length > 0 && args[0] == "publish")
{
    var publish = new System.CommandLine.RootCommand("Rollout AppHost publish") { new Rollout.AppHost.Publishing.PublishCommand() };
    return await publish.Parse(args).InvokeAsync();
}

// Last line of defence: every secret the AppHost loads or generates is masked in its output.
RedactingTextWriter.InstallOnConsole(SecretRedactor.Shared);
try
{
    var (options, aspireArgs) = EstateOptions.Parse(args);
    options = options with { StopOnStartFailure = RunAsProgram() };
    // Not disposed here: under Aspire.Hosting.Testing the test owns the application (its DisposeAsync waits for this entry point).
    var (app, estate) = EstateApplication.Build(options, aspireArgs);
    if (estate.Runtime is { } runtime)
        Console.WriteLine($"Rollout AppHost: estate {estate.EstatePath}, state {runtime.Layout.Root}{(options.Fresh ? " (fresh)" : "")}");
    // SIGINT and SIGTERM stop the host gracefully (Aspire's console lifetime); SIGHUP (a closed terminal, a supervisor)
    // would end the process at once, so it gets the same graceful stop: the orchestrator stops every resource.
    var lifetime = app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();
    using var hangup = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, context =>
    {
        context.Cancel = true;
        lifetime.StopApplication();
    });
    // The orchestrator stops the servers only once this process has gone, so a script's next command (another start,
    // removing the state directory) would race a server still shutting down: the servers' graceful stop starts with
    // the application's and is waited for before this process exits.
    Task serversStopped = Task.CompletedTask;
    if (estate.Runtime is { } stopping)
        lifetime.ApplicationStopping.Register(() => serversStopped = stopping.Leftovers.StopRecordedAsync(EstateRuntime.LeftoverGrace, CancellationToken.None));
    await app.RunAsync();
    await serversStopped;
    return app.Services.GetService<StartFailureStopper>()?.ExitCode ?? 0;
}
catch (Exception e) when (RunAsProgram() && Unwrap(e) is LocalServerException or EstateValidationException or FileNotFoundException or ArgumentException or KeyNotFoundException)
{
    Console.Error.WriteLine($"error: {Unwrap(e).Message}");
    return e is EstateValidationException ? 3 : 1;
}

// Under Aspire.Hosting.Testing this entry point runs inside the test host, which must see the exception itself.
static bool RunAsProgram() => System.Reflection.Assembly.GetEntryAssembly() == typeof(EstateOptions).Assembly;

static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : e;
