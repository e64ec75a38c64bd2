using Rollout.AppHost.Publishing.HostConfig;

namespace Rollout.AppHost.Tests.Publishing;

/// <summary>The firewall files pass the tools that apply them (check modes only: nothing is applied here).</summary>
public sealed class FirewallSyntaxTests
{
    private static IEnumerable<string> Hosts(PublishedEstate published, string file) =>
        published.Files.Where(f => f.RelativePath.EndsWith("/" + file, StringComparison.Ordinal)).Select(f => published.PathOf(f.RelativePath));

    [RootFact]
    public async Task Nft_check_accepts_the_nftables_files()
    {
        using var published = await PublishedEstate.PublishAsync();
        var files = Hosts(published, HostConfigWriter.NftablesFile).ToList();
        Assert.Equal(2, files.Count);
        foreach (var file in files)
        {
            var result = await ProcessRunner.RunAsync("nft", ["-c", "-f", file]);
            Assert.True(result.ExitCode == 0, $"{file}: {result.All}");
        }
    }

    [RootFact]
    public async Task Iptables_restore_test_accepts_the_iptables_files()
    {
        using var published = await PublishedEstate.PublishAsync("staging");
        var files = Hosts(published, HostConfigWriter.IptablesFile).ToList();
        Assert.Equal(3, files.Count); // staging enables redis
        foreach (var file in files)
        {
            var result = await ProcessRunner.RunAsync("iptables-restore", ["--test"], standardInput: await File.ReadAllTextAsync(file));
            Assert.True(result.ExitCode == 0, $"{file}: {result.All}");
        }
    }

    [Fact]
    public async Task The_ufw_scripts_are_valid_shell_and_open_ssh_before_enabling()
    {
        using var published = await PublishedEstate.PublishAsync();
        foreach (var file in Hosts(published, HostConfigWriter.UfwFile))
        {
            var result = await ProcessRunner.RunAsync("sh", ["-n", file]);
            Assert.True(result.ExitCode == 0, $"{file}: {result.All}");
            var lines = (await File.ReadAllLinesAsync(file)).ToList();
            Assert.True(lines.FindIndex(l => l.Contains("port 22 ", StringComparison.Ordinal)) < lines.IndexOf("ufw --force enable"));
            Assert.Contains("ufw default deny incoming", lines);
            Assert.Contains(lines, l => l == $"ufw allow proto tcp from 203.0.113.10 to any port {(file.Contains("postgres", StringComparison.Ordinal) ? 5432 : 3306)} comment 'rollout: {Path.GetFileName(Path.GetDirectoryName(file))}'");
        }
    }

    [RootFact]
    public async Task Files_with_placeholders_are_rejected_by_every_tool()
    {
        using var published = await PublishedEstate.PublishAsync(variables: new Dictionary<string, string>());
        var nft = Hosts(published, HostConfigWriter.NftablesFile).First();
        Assert.Contains("UNSET_PLESK_SERVER_IP", await File.ReadAllTextAsync(nft), StringComparison.Ordinal);
        Assert.NotEqual(0, (await ProcessRunner.RunAsync("nft", ["-c", "-f", nft])).ExitCode);
        var iptables = Hosts(published, HostConfigWriter.IptablesFile).First();
        Assert.NotEqual(0, (await ProcessRunner.RunAsync("iptables-restore", ["--test"], standardInput: await File.ReadAllTextAsync(iptables))).ExitCode);
        var ufw = await File.ReadAllLinesAsync(Hosts(published, HostConfigWriter.UfwFile).First());
        Assert.True(Array.IndexOf(ufw, "exit 1") < Array.FindIndex(ufw, l => l.StartsWith("ufw ", StringComparison.Ordinal)), "the ufw script must stop before its first ufw command");
        Assert.Contains("UNSET_PLESK_SERVER_IP", published.Text("README.md"), StringComparison.Ordinal);
    }
}
