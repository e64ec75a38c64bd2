using System.CommandLine;
using Rollout.Provisioner.Secrets.GitHub;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Secrets;

namespace Rollout.Provisioner.Secrets;

/// <summary>`secrets sync --env E --to github --repo owner/name [--dry-run]`: the environment's secrets as GitHub environment secrets.</summary>
public static class SecretsSync
{
    public const string DefaultApiUrl = "https://api.github.com/";

    public static Command Create(Func<string, string?> variables)
    {
        var common = new CommonOptions();
        var to = new Option<string>("--to") { Description = "Target store: github", Required = true };
        var repo = new Option<string>("--repo") { Description = "GitHub repository owner/name", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be created or updated; write nothing" };
        var apiUrl = new Option<string>("--api-url") { Description = "GitHub API base URL (GitHub Enterprise: https://host/api/v3/)", DefaultValueFactory = _ => DefaultApiUrl };
        var maxWait = new Option<int>("--max-rate-limit-wait") { Description = "Longest rate-limit wait (seconds) to sit out before giving up", DefaultValueFactory = _ => 120 };
        var command = new Command("sync", "Sync the environment's secrets to a GitHub environment (token from GITHUB_TOKEN)");
        common.AddTo(command);
        foreach (var option in new Option[] { to, repo, dryRun, apiUrl, maxWait }) command.Options.Add(option);
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(result, async output =>
        {
            if (result.GetValue(to) != "github")
                throw new ArgumentException($"--to {result.GetValue(to)}: the only sync target is `github` (for a .env file use `secrets dotenv`).");
            var (owner, name) = ParseRepository(result.GetValue(repo)!);
            var (estate, environment, state) = common.Read(result, variables);
            var github = environment.Github ?? throw new InvalidOperationException(
                $"Environment '{environment.Name}' has no `github:` section in {estate.SourcePath} (add environments.{environment.Name}.github.environment).");
            var catalogue = SecretCatalogue.For(estate, environment);
            var resolved = await new SecretValues(state, variables).ResolveAsync(catalogue, cancellationToken);
            var token = variables("GITHUB_TOKEN");
            var isDryRun = result.GetValue(dryRun);

            await output.WriteLineAsync($"Secrets of environment '{environment.Name}' → GitHub environment '{github.Environment}' of {owner}/{name} ({result.GetValue(apiUrl)})");
            if (!isDryRun) RefuseMissing(resolved, catalogue, "GitHub");
            if (string.IsNullOrEmpty(token))
            {
                if (!isDryRun)
                    throw new InvalidOperationException($"GITHUB_TOKEN is not set. Create a token ({GitHubCall.ScopeHint}) and export GITHUB_TOKEN. Nothing was written.");
                await output.WriteLineAsync("GITHUB_TOKEN is not set: GitHub was not asked; every secret is listed as it would be written.");
                await PrintAsync(output, resolved, resolved.Where(r => r.IsPresent).Select(r => new PlannedSecretWrite(r.Name, SecretChange.Create, "create or update")).ToList());
                await output.WriteLineAsync($"Dry run: {resolved.Count} secrets{Missing(resolved)}. Nothing was written.");
                return 0;
            }

            var api = new GitHubEnvironmentApi(result.GetValue(apiUrl)!, token, owner, name,
                TimeSpan.FromSeconds(result.GetValue(maxWait)), TimeSpan.FromSeconds(30));
            var target = new GitHubEnvironmentTarget(api, github, state);
            var present = resolved.Where(r => r.IsPresent).Select(r => new NamedSecret(r.Name, r.Value!)).ToList();
            var plan = isDryRun ? await target.PlanAsync(present, cancellationToken) : await target.WriteAsync(present, cancellationToken);
            await output.WriteLineAsync(target.EnvironmentAction);
            await PrintAsync(output, resolved, plan, isDryRun);
            var counts = $"{plan.Count(p => p.Change == SecretChange.Create)} {(isDryRun ? "to create" : "created")}, " +
                $"{plan.Count(p => p.Change == SecretChange.Update)} {(isDryRun ? "to update" : "updated")}, {plan.Count(p => p.Change == SecretChange.Unchanged)} unchanged";
            await output.WriteLineAsync(isDryRun ? $"Dry run: {resolved.Count} secrets, {counts}{Missing(resolved)}. Nothing was written." : $"Synced {plan.Count} secrets: {counts}.");
            return 0;
        }));
        return command;
    }

    private static string Missing(IReadOnlyList<ResolvedSecret> resolved) =>
        resolved.Count(r => !r.IsPresent) is var missing and > 0 ? $", {missing} without a value (a real sync refuses until they are set)" : "";

    public static (string Owner, string Name) ParseRepository(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0))
            throw new ArgumentException($"--repo '{text}' is not owner/name (e.g. --repo mo-org/mo-rollout).");
        return (parts[0], parts[1]);
    }

    /// <summary>Refuses a whole set with missing values before anything is written, naming what to set.</summary>
    public static void RefuseMissing(IReadOnlyList<ResolvedSecret> resolved, SecretCatalogue catalogue, string target)
    {
        var missing = resolved.Where(r => !r.IsPresent).ToList();
        if (missing.Count == 0 && catalogue.Problems.Count == 0) return;
        throw new InvalidOperationException(
            $"{missing.Count} secret(s) of environment '{catalogue.Environment.Name}' have no value, so nothing was written to {target}:" +
            string.Concat(missing.Select(m => $"{System.Environment.NewLine}  {m.Name}: {m.Missing}")) +
            string.Concat(catalogue.Problems.Select(p => $"{System.Environment.NewLine}  {p}")));
    }

    private static async Task PrintAsync(TextWriter output, IReadOnlyList<ResolvedSecret> resolved, IReadOnlyList<PlannedSecretWrite> plan, bool dryRun = true)
    {
        var width = resolved.Max(r => r.Name.Length);
        foreach (var secret in resolved)
        {
            var write = plan.FirstOrDefault(p => p.Name == secret.Name);
            var action = write is null ? "missing" : write.Change switch
            {
                SecretChange.Create => dryRun ? "create" : "created",
                SecretChange.Update => dryRun ? "update" : "updated",
                _ => "unchanged",
            };
            await output.WriteLineAsync($"  {action,-9}  {secret.Name.PadRight(width)}  {write?.Reason ?? secret.Missing}");
        }
    }
}
