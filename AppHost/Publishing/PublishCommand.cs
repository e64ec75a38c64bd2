using System.CommandLine;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing;

/// <summary>
/// <c>publish --output-path &lt;dir&gt; [--publisher manifest|all] [--environment production] [--estate rollout.yaml]</c>:
/// writes the Aspire manifest, compose file, workflows and host configuration of one environment.
/// </summary>
public sealed class PublishCommand : Command
{
    public const string DefaultEnvironment = "production";

    private readonly Option<string> _outputPath = new("--output-path", "-o")
    {
        Description = "Directory to write into (created when missing). Aspire's flag name.",
        Required = true,
    };

    private readonly Option<string> _publisher = new("--publisher")
    {
        Description = "'manifest' writes only aspire-manifest.json; 'all' (default) also compose, workflows, host configs and README.",
        DefaultValueFactory = _ => "all",
    };

    private readonly Option<string> _environment = new("--environment", "-e")
    {
        Description = "Environment of rollout.yaml whose addresses and secrets go into the files.",
        DefaultValueFactory = _ => DefaultEnvironment,
    };

    private readonly Option<string?> _estate = new("--estate")
    {
        Description = "Path of the estate file (default: rollout.yaml in this or a parent directory).",
    };

    /// <summary>Exit code of an input that publish cannot use (nothing written).</summary>
    public const int InvalidInput = 3;

    private readonly Func<string, string?> _variables;

    public PublishCommand(Func<string, string?>? variables = null)
        : base("publish", "Write deployment files (Aspire manifest, docker-compose, GitHub workflows, firewall and server configs) from the estate.")
    {
        _variables = variables ?? Environment.GetEnvironmentVariable;
        _publisher.AcceptOnlyFromAmong("all", "manifest");
        Options.Add(_outputPath);
        Options.Add(_publisher);
        Options.Add(_environment);
        Options.Add(_estate);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            var estatePath = parse.GetValue(_estate) ?? EstateLoader.Locate();
            var estate = EstateLoader.LoadFile(estatePath);
            if (Refusal(estate, parse.GetValue(_environment)!) is { } refusal)
            {
                await error.WriteLineAsync("publish refused: " + refusal);
                return InvalidInput;
            }
            var request = new PublishRequest(estate, parse.GetValue(_environment)!, parse.GetValue(_outputPath)!,
                parse.GetValue(_publisher) == "manifest" ? PublisherKind.Manifest : PublisherKind.All,
                Path.GetDirectoryName(Path.GetFullPath(estatePath))!);
            var files = await Publisher.PublishAsync(request, _variables, cancellationToken);
            var root = Path.GetFullPath(request.OutputDirectory);
            await output.WriteLineAsync($"Published environment '{request.EnvironmentName}' to {root}:");
            foreach (var file in files) await output.WriteLineAsync("  " + file.RelativePath);
            var placeholders = PublishTarget.Resolve(estate, request.EnvironmentName, _variables).Placeholders;
            if (request.Publisher == PublisherKind.All && placeholders.Count > 0)
                await error.WriteLineAsync($"warning: {string.Join(", ", placeholders.Select(p => p.VariableName))} unset: the host configuration carries placeholders ({string.Join(", ", placeholders.Select(p => p.Text))}) that its tools reject. Set them and publish again before applying (see README.md).");
            return 0;
        }
        catch (Exception e) when (e is PublishException or EstateValidationException or FileNotFoundException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync("publish failed: " + e.Message);
            return 1;
        }
    }

    /// <summary>Why an environment cannot be published: unknown, or local (run by the AppHost, never deployed).</summary>
    private static string? Refusal(Estate estate, string environment)
    {
        var spec = estate.Environments.FirstOrDefault(e => e.Name == environment);
        var deployable = estate.Environments.Where(e => e.Kind != EnvironmentKind.Local).Select(e => e.Name).ToList();
        if (spec is null)
            return $"environment '{environment}' is not defined in {estate.SourcePath}. Publish one of: {string.Join(", ", deployable)} (--environment <name>).";
        if (spec.Kind == EnvironmentKind.Local)
            return $"environment '{environment}' is local: its servers run under the AppHost (`dotnet run --project AppHost`), there is nothing to deploy. " +
                   $"Publish a deployed environment instead: --environment {string.Join(" or --environment ", deployable)}.";
        return null;
    }
}
