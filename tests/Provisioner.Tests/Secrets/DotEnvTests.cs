using Rollout.Provisioner.Secrets.DotEnv;
using static Rollout.Provisioner.Tests.Secrets.SecretsTestSupport;

namespace Rollout.Provisioner.Tests.Secrets;

public class DotEnvTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static string[] DotEnvArgs(GitHubSyncSetup setup, string file) =>
        ["secrets", "dotenv", "--env", "production", "--out", file, "--estate", EstatePath, "--state-dir", setup.StateDirectory];

    private static async Task GitAsync(string directory, params string[] args)
    {
        var result = await ProcessRunner.RunAsync("git", args, workingDirectory: directory);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', args)}: {result.Error}");
    }

    [Fact]
    public async Task Writes_every_secret_to_a_0600_file_outside_the_work_tree_that_reads_back_exactly()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        using var outside = new TempDirectory();
        var file = Path.Combine(outside.Path, ".env.production");

        var (code, output) = await RunAsync(setup.Variables, DotEnvArgs(setup, file));

        Assert.True(code == 0, output);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(file));
        var written = await new DotEnvFileTarget(file, "").ReadAsync(CancellationToken.None);
        Assert.Equal(setup.Expected.OrderBy(e => e.Key), written.OrderBy(e => e.Key));
        Assert.Contains("-----BEGIN OPENSSH PRIVATE KEY-----", written["SSH_PRIVATE_KEY"]);
        Assert.Equal(setup.Variables["BACKUP_REPOSITORY_PASSWORD"], written["BACKUP_REPOSITORY_PASSWORD"]);
        Assert.Equal(setup.Variables["EXTERNAL_MARIADB_BACKUP_PASS"], written["EXTERNAL_MARIADB_BACKUP_PASS"]);
        Assert.Contains($"Wrote {setup.Expected.Count} secrets", output);
        AssertNoSecretIn(output, setup.SecretValues);
    }

    [Fact]
    public async Task An_existing_world_readable_file_is_replaced_by_a_0600_one()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        using var outside = new TempDirectory();
        var file = Path.Combine(outside.Path, ".env.production");
        await File.WriteAllTextAsync(file, "OTHER_SETTING=kept\n");
        File.SetUnixFileMode(file, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var (code, output) = await RunAsync(setup.Variables, DotEnvArgs(setup, file));

        Assert.True(code == 0, output);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(file));
        Assert.Equal("kept", (await new DotEnvFileTarget(file, "").ReadAsync(CancellationToken.None))["OTHER_SETTING"]);
    }

    [Fact]
    public async Task Refuses_a_file_inside_a_git_work_tree_that_git_does_not_ignore_and_writes_nothing()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        using var repository = new TempDirectory();
        await GitAsync(repository.Path, "init", "-q");
        var file = Path.Combine(repository.Path, "config", "production.env");

        var (code, output) = await RunAsync(setup.Variables, DotEnvArgs(setup, file));

        Assert.Equal(1, code);
        Assert.Contains($"Refusing to write {file}: it is inside the git work tree", output);
        Assert.Contains("not git-ignored", output);
        Assert.Contains("Nothing was written.", output);
        Assert.False(File.Exists(file));
        Assert.False(Directory.Exists(Path.GetDirectoryName(file)));
    }

    [Fact]
    public async Task Writes_inside_the_work_tree_when_git_ignores_the_path()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        using var repository = new TempDirectory();
        await GitAsync(repository.Path, "init", "-q");
        await File.WriteAllTextAsync(Path.Combine(repository.Path, ".gitignore"), ".env.*\n");
        var file = Path.Combine(repository.Path, ".env.production");

        var (code, output) = await RunAsync(setup.Variables, DotEnvArgs(setup, file));

        Assert.True(code == 0, output);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(file));
    }

    [Fact]
    public async Task The_repositorys_own_gitignore_covers_env_files_at_its_root()
    {
        await using var setup = await GitHubSyncSetup.StartAsync();
        var file = Path.Combine(Path.GetDirectoryName(EstatePath)!, ".env.secrets-test-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (code, output) = await RunAsync(setup.Variables, DotEnvArgs(setup, file));
            Assert.True(code == 0, output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("plain+base64/value==")]
    [InlineData("with space and $dollar")]
    [InlineData("it's \"quoted\"\nand multi-line\\n")]
    public void Values_round_trip_through_the_file_format(string value) =>
        Assert.Equal(value, DotEnvFileTarget.Unquote(DotEnvFileTarget.Quote(value)));
}
