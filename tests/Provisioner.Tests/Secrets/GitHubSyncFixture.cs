using Rollout.GitHubStandIn;
using Rollout.Topology.Secrets;
using static Rollout.Provisioner.Tests.Secrets.SecretsTestSupport;

namespace Rollout.Provisioner.Tests.Secrets;

/// <summary>
/// A running GitHub stand-in with the repository mo-org/mo-rollout and the team db-admins, plus the
/// environment variables a production operator would have set (random passwords, a deploy key file).
/// </summary>
public sealed class GitHubSyncSetup : IAsyncDisposable
{
    public const string Owner = "mo-org";
    public const string Repo = "mo-rollout";

    private readonly TempDirectory _directory = new();

    private GitHubSyncSetup(GitHubStandIn.GitHubStandIn standIn) => StandIn = standIn;

    public GitHubStandIn.GitHubStandIn StandIn { get; }

    public string StateDirectory => Path.Combine(_directory.Path, "state");

    public Dictionary<string, string> Variables { get; } = [];

    /// <summary>The value every secret of production must have on GitHub.</summary>
    public Dictionary<string, string> Expected { get; } = [];

    public static async Task<GitHubSyncSetup> StartAsync()
    {
        var setup = new GitHubSyncSetup(await GitHubStandIn.GitHubStandIn.StartAsync());
        setup.StandIn.AddRepository(Owner, Repo);
        setup.StandIn.AddTeam(Owner, "db-admins");
        var keyFile = Path.Combine(setup._directory.Path, "deploy_key");
        var key = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(180)) + "\n-----END OPENSSH PRIVATE KEY-----\n";
        await File.WriteAllTextAsync(keyFile, key);
        setup.Variables["GITHUB_TOKEN"] = setup.StandIn.Token;
        setup.Variables["SSH_PRIVATE_KEY_FILE"] = keyFile;
        setup.Variables["MYSQL_HOST"] = "external-mariadb.provider.example";
        setup.Variables["PG_HOST"] = "external-postgres.provider.example";
        var catalogue = SecretCatalogue.For(Estate(), "production");
        foreach (var entry in catalogue.Entries.Where(e => e.Origin is SecretOriginKind.ServicePassword or SecretOriginKind.OperationalCredential))
            setup.Variables[entry.Name] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        setup.Variables["BACKUP_OFFSITE_REPOSITORY"] = "sftp:backup@offsite.provider.example:/srv/restic";
        foreach (var entry in catalogue.Entries)
        {
            setup.Expected[entry.Name] = entry.Origin switch
            {
                SecretOriginKind.PrivateKey => key,
                SecretOriginKind.EstateLiteral => entry.Literal!,
                SecretOriginKind.ServicePassword or SecretOriginKind.OperationalCredential => setup.Variables[entry.Name],
                _ => setup.Variables.GetValueOrDefault(entry.Setting!.VariableName!) ?? entry.Setting.DefaultValue!,
            };
        }
        return setup;
    }

    public string[] SyncArgs(params string[] extra) =>
    [
        "secrets", "sync", "--env", "production", "--to", "github", "--repo", $"{Owner}/{Repo}",
        "--api-url", StandIn.BaseUrl, "--estate", EstatePath, "--state-dir", StateDirectory, .. extra,
    ];

    public Task<(int Code, string Output)> SyncAsync(params string[] extra) => RunAsync(Variables, SyncArgs(extra));

    public int Puts(string pathPart = "/secrets/") =>
        StandIn.Requests.Count(r => r.Method == "PUT" && r.Path.Contains(pathPart, StringComparison.Ordinal));

    /// <summary>Every password (the backup repository keys too), the deploy key and the token: none may appear in any output.</summary>
    public IEnumerable<string> SecretValues =>
        Expected.Where(e => e.Key.EndsWith("_PASS", StringComparison.Ordinal) || e.Key.EndsWith("_PASSWORD", StringComparison.Ordinal) || e.Key == "SSH_PRIVATE_KEY").Select(e => e.Value)
            .Append(StandIn.Token);

    public async ValueTask DisposeAsync()
    {
        await StandIn.DisposeAsync();
        _directory.Dispose();
    }
}
