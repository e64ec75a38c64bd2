using System.CommandLine;
using Rollout.ServiceDefaults.Cli;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Secrets;
using Rollout.SmokeRunner.Checks;
using Rollout.SmokeRunner.Reporting;
using Rollout.SmokeRunner.Running;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;
using Spectre.Console;

namespace Rollout.SmokeRunner.Cli;

public enum OutputFormat { Table, Json }

/// <summary>
/// The command line: <c>SmokeRunner --env local [--estate rollout.yaml] [--state-dir .rollout]
/// [--parallelism 8] [--output table|json] [--junit file]</c>. Exit codes as in every Rollout program
/// (<see cref="ExitCodes"/>): 0 every check passed, 1 a check failed or the run failed (stack not running),
/// 3 invalid input (bad options, bad estate, unknown or unbindable environment) – nothing was checked.
/// Run by the AppHost it needs no arguments: ROLLOUT_ESTATE, ROLLOUT_STATE_DIR and ROLLOUT_ENVIRONMENT give the defaults.
/// </summary>
public static class SmokeCli
{
    public const int Green = ExitCodes.Success;
    public const int ChecksFailed = ExitCodes.Failed;
    public const int InvalidInput = ExitCodes.InvalidInput;

    /// <summary>Set by the AppHost for the projects it runs: the state directory and the environment.</summary>
    public const string StateDirectoryVariable = EstateLocation.StateDirectoryVariable;
    public const string EnvironmentVariable = "ROLLOUT_ENVIRONMENT";

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(args, output, error, System.Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory(), cancellationToken);

    /// <param name="variables">The environment (ROLLOUT_ESTATE, ROLLOUT_STATE_DIR, MYSQL_HOST, MO_CRM_DB_PASS, …).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?> variables,
        string workingDirectory, CancellationToken cancellationToken)
    {
        var environment = new Option<string>("--env", "--environment")
        {
            Description = $"Environment of rollout.yaml to check (local, staging, production); default ${EnvironmentVariable} or local.",
            DefaultValueFactory = _ => variables(EnvironmentVariable) is { Length: > 0 } name ? name : "local",
        };
        var estate = new Option<string?>(EstateLocation.EstateOption) { Description = EstateLocation.EstateDescription };
        var stateDir = new Option<string?>(EstateLocation.StateDirectoryOption) { Description = EstateLocation.StateDirectoryDescription };
        var parallelism = new Option<int>("--parallelism") { Description = "Units of work (database probes, isolation rows, baselines) in flight at once.", DefaultValueFactory = _ => 8 };
        var format = new Option<OutputFormat>("--output") { Description = "table (live progress and a summary) or json (the report on stdout).", DefaultValueFactory = _ => OutputFormat.Table };
        var junit = new Option<FileInfo?>("--junit") { Description = "Also write the report as JUnit XML to this file (for CI test reporters)." };
        parallelism.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 256) result.AddError("--parallelism must be between 1 and 256.");
        });

        var root = new RootCommand("Proves every database of the estate works, is fast, encrypted and isolated.")
        {
            environment, estate, stateDir, parallelism, format, junit,
        };
        Func<ParseResult, CancellationToken, Task<int>> action = (parse, ct) => ExecuteAsync(new Invocation(
            parse.GetValue(environment)!, parse.GetValue(estate), parse.GetValue(stateDir),
            parse.GetValue(parallelism), parse.GetValue(format), parse.GetValue(junit)), output, error, variables, workingDirectory, ct);
        root.SetAction(action);
        // `SmokeRunner run --environment local` (the AppHost's project arguments) means the same as no command.
        foreach (var option in new Option[] { environment, estate, stateDir, parallelism, format, junit }) option.Recursive = true;
        var run = new Command("run", "Run the checks (the same as giving no command).");
        run.SetAction(action);
        root.Subcommands.Add(run);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors) await error.WriteLineAsync($"smoke: invalid input: {problem.Message}");
            await error.WriteLineAsync("smoke: nothing was checked. See --help.");
            return InvalidInput;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private sealed record Invocation(string Environment, string? Estate, string? StateDir, int Parallelism, OutputFormat Format, FileInfo? JUnit);

    private static async Task<int> ExecuteAsync(Invocation invocation, TextWriter output, TextWriter error, Func<string, string?> variables,
        string workingDirectory, CancellationToken cancellationToken)
    {
        Estate estate;
        EnvironmentBinding binding;
        ISecretSource secrets;
        try
        {
            var estatePath = EstateLocation.EstateFile(invocation.Estate, variables, workingDirectory);
            estate = EstateLoader.LoadFile(estatePath);
            var environment = estate.Environment(invocation.Environment);
            if (environment.Kind == EnvironmentKind.Local)
            {
                var stateDirectory = EstateLocation.StateDirectory(invocation.StateDir, variables, estatePath, workingDirectory);
                binding = await LocalEnvironmentBinder.BindAsync(estate, stateDirectory, cancellationToken, environment.Name);
                secrets = LocalSecretStore.InStateDirectory(stateDirectory);
            }
            else
            {
                binding = RemoteEnvironmentBinder.Bind(estate, environment.Name, variables);
                secrets = new EnvironmentVariableSecretSource(variables);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or InvalidDataException or FormatException
                                      || ExitCodes.IsInvalidInput(e))
        {
            // Bad input (estate, environment, its variables) is 3; a stack that is not running is a failed run (1).
            await error.WriteLineAsync($"smoke: cannot run: {e.Message}");
            return e is FormatException ? InvalidInput : ExitCodes.For(e);
        }

        var console = CreateConsole(invocation.Format == OutputFormat.Json ? error : output);
        var reporter = new ConsoleReporter(console);
        SmokeReport report;
        await using (var context = new SmokeContext(binding, secrets, SmokeSettings.From(estate, invocation.Parallelism)))
        {
            console.MarkupLine($"Smoke checks of [bold]{Markup.Escape(binding.Name)}[/] ({binding.Databases.Count} databases, parallelism {invocation.Parallelism})");
            report = await new SmokeRun(context).ExecuteAsync(reporter.Progress, cancellationToken);
        }

        if (invocation.Format == OutputFormat.Json)
            await output.WriteLineAsync(JsonReportWriter.Serialize(report));
        else
            reporter.Summary(report);
        if (invocation.JUnit is not null)
            await JUnitReportWriter.WriteAsync(report, invocation.JUnit.FullName, cancellationToken);
        return report.IsGreen ? Green : ChecksFailed;
    }

    /// <summary>A console on the given writer; wide and colourless when it is not a terminal, so logs keep whole lines.</summary>
    private static IAnsiConsole CreateConsole(TextWriter writer)
    {
        var isTerminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected
                      || ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!isTerminal) console.Profile.Width = 240;
        return console;
    }
}
