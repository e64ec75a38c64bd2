using System.CommandLine;
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
/// [--parallelism 8] [--output table|json] [--junit file]</c>. Exit 0 when every check passed,
/// 1 when a check failed, 2 when the run could not start (bad estate, unbound environment).
/// Run by the AppHost it needs no arguments: ROLLOUT_STATE_DIR and ROLLOUT_ENVIRONMENT give the defaults.
/// </summary>
public static class SmokeCli
{
    public const int Green = 0;
    public const int ChecksFailed = 1;
    public const int CannotRun = 2;

    /// <summary>Set by the AppHost for the projects it runs: the state directory and the environment.</summary>
    public const string StateDirectoryVariable = "ROLLOUT_STATE_DIR";
    public const string EnvironmentVariable = "ROLLOUT_ENVIRONMENT";

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var environment = new Option<string>("--env", "--environment")
        {
            Description = $"Environment of rollout.yaml to check (local, staging, production); default ${EnvironmentVariable} or local.",
            DefaultValueFactory = _ => System.Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } name ? name : "local",
        };
        var estate = new Option<FileInfo?>("--estate") { Description = "The estate file (default: rollout.yaml found walking up from the current directory)." };
        var stateDir = new Option<DirectoryInfo?>("--state-dir")
        {
            Description = $"Local state directory with resources.json and secrets.json (default: ${StateDirectoryVariable}, else <dir of rollout.yaml>/.rollout).",
            DefaultValueFactory = _ => System.Environment.GetEnvironmentVariable(StateDirectoryVariable) is { Length: > 0 } path ? new DirectoryInfo(path) : null,
        };
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
            parse.GetValue(parallelism), parse.GetValue(format), parse.GetValue(junit)), output, error, ct);
        root.SetAction(action);
        // `SmokeRunner run --environment local` (the AppHost's project arguments) means the same as no command.
        foreach (var option in new Option[] { environment, estate, stateDir, parallelism, format, junit }) option.Recursive = true;
        var run = new Command("run", "Run the checks (the same as giving no command).");
        run.SetAction(action);
        root.Subcommands.Add(run);
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private sealed record Invocation(string Environment, FileInfo? Estate, DirectoryInfo? StateDir, int Parallelism, OutputFormat Format, FileInfo? JUnit);

    private static async Task<int> ExecuteAsync(Invocation invocation, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        Estate estate;
        EnvironmentBinding binding;
        ISecretSource secrets;
        try
        {
            var estatePath = invocation.Estate?.FullName ?? EstateLoader.Locate();
            estate = EstateLoader.LoadFile(estatePath);
            var environment = estate.Environment(invocation.Environment);
            if (environment.Kind == EnvironmentKind.Local)
            {
                var stateDirectory = invocation.StateDir?.FullName ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(estatePath))!, ".rollout");
                binding = await LocalEnvironmentBinder.BindAsync(estate, stateDirectory, cancellationToken, environment.Name);
                secrets = LocalSecretStore.InStateDirectory(stateDirectory);
            }
            else
            {
                binding = RemoteEnvironmentBinder.Bind(estate, environment.Name, System.Environment.GetEnvironmentVariable);
                secrets = new EnvironmentVariableSecretSource();
            }
        }
        catch (Exception e) when (e is EstateValidationException or BindingException or FileNotFoundException or KeyNotFoundException
                                      or InvalidOperationException or InvalidDataException or ArgumentException or FormatException)
        {
            await error.WriteLineAsync($"smoke: cannot run: {e.Message}");
            return CannotRun;
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
