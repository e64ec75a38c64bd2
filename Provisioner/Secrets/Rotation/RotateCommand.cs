using System.CommandLine;
using Rollout.Provisioner.Secrets.DotEnv;
using Rollout.Provisioner.Secrets.GitHub;
using Rollout.ServiceDefaults.Local;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Secrets.Rotation;

/// <summary>`rotate &lt;user&gt; --env E`: a new password for a service user, changed on the server and promoted to every store.</summary>
public static class RotateCommand
{
    /// <summary>Test hook: the process exits with <see cref="StopExitCode"/> right after the named <see cref="RotationStep"/>.</summary>
    public const string StopAfterVariable = "ROLLOUT_ROTATE_STOP_AFTER";
    public const int StopExitCode = 86;

    public static Command Create(Func<string, string?> variables)
    {
        var common = new CommonOptions();
        var user = new Argument<string>("user") { Description = "Service user of rollout.yaml, e.g. svc_crm" };
        var repo = new Option<string?>("--repo") { Description = "Also promote to this GitHub repository's environment (owner/name; token from GITHUB_TOKEN)" };
        var apiUrl = new Option<string>("--api-url") { Description = "GitHub API base URL", DefaultValueFactory = _ => SecretsSync.DefaultApiUrl };
        var dotenv = new Option<string?>("--dotenv") { Description = "Also promote to this .env file" };
        var command = new Command("rotate", "Rotate a service user's password: pending → server → verify → every store");
        command.Arguments.Add(user);
        common.AddTo(command);
        foreach (var option in new Option[] { repo, apiUrl, dotenv }) command.Options.Add(option);
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(result, async output =>
        {
            var (estate, environment, state) = common.Read(result, variables);
            var userName = result.GetValue(user)!;
            var database = estate.EnabledDatabases(environment).FirstOrDefault(d => d.User == userName)
                ?? throw new ArgumentException($"'{userName}' is not a service user of environment '{environment.Name}' in {estate.SourcePath} " +
                    $"(users: {string.Join(", ", estate.EnabledDatabases(environment).Select(d => d.User))}).");
            var server = estate.Server(database.ServerName);
            if (server.Existing)
                throw new ArgumentException($"Refusing to rotate {userName}: it lives on '{server.Name}', the existing Plesk host " +
                    $"(servers.{server.Name}.existing: true in {estate.SourcePath}), which Rollout never alters. Change its password in Plesk, then update {database.PasswordSecretName} in the stores (`secrets sync`).");

            var local = environment.Kind == EnvironmentKind.Local;
            var binding = local
                ? await LocalEnvironmentBinder.BindAsync(estate, state, cancellationToken, environment.Name)
                : RemoteEnvironmentBinder.Bind(estate, environment.Name, variables);
            var stores = new List<ISecretTarget>();
            ISecretSource current;
            if (local)
            {
                var store = LocalSecretStore.InStateDirectory(state);
                current = store;
                stores.Add(new SecretStoreTarget(store));
            }
            else current = new EnvironmentVariableSecretSource(variables);
            if (result.GetValue(repo) is { } repository)
            {
                var github = environment.Github ?? throw new InvalidOperationException($"Environment '{environment.Name}' has no `github:` section in {estate.SourcePath}.");
                var token = variables("GITHUB_TOKEN") is { Length: > 0 } t ? t
                    : throw new InvalidOperationException($"--repo needs GITHUB_TOKEN ({GitHubCall.ScopeHint}). Nothing was changed.");
                var (owner, name) = SecretsSync.ParseRepository(repository);
                stores.Add(new GitHubEnvironmentTarget(new GitHubEnvironmentApi(result.GetValue(apiUrl)!, token, owner, name, TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(30)), github, state));
            }
            if (result.GetValue(dotenv) is { } file)
            {
                await GitIgnoreGuard.EnsureSafeAsync(file, cancellationToken);
                stores.Add(new DotEnvFileTarget(file, $"Secrets of environment '{environment.Name}'. Never commit this file."));
            }
            if (stores.Count == 0)
                throw new ArgumentException($"Nowhere to keep the new password of {userName} for environment '{environment.Name}': pass --repo owner/name and/or --dotenv <file>. Nothing was changed.");

            var stopAfter = variables(StopAfterVariable);
            var journal = RotationJournal.For(state, environment.Name);
            var rotation = new PasswordRotation(binding, database, current, journal, stores, IServerPasswords.For(server.Engine), output, step =>
            {
                if (string.Equals(stopAfter, step.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    output.WriteLine($"{StopAfterVariable}={stopAfter}: stopping the process after step {step}.");
                    output.Flush();
                    Environment.Exit(StopExitCode);
                }
            });
            await rotation.RunAsync(cancellationToken);
            return 0;
        }));
        return command;
    }
}
