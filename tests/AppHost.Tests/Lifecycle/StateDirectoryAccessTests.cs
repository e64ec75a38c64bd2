using Rollout.AppHost.Hosting;
using Rollout.AppHost.Local;

namespace Rollout.AppHost.Tests.Lifecycle;

/// <summary>As root the servers run as mysql, postgres and redis: a state directory under a mode-700 parent (a checkout in /root) is out of their reach.</summary>
public sealed class StateDirectoryAccessTests
{
    [Fact]
    public async Task A_chosen_state_directory_under_a_closed_parent_is_refused_naming_directory_accounts_and_fix_before_any_server_starts()
    {
        if (!Environment.IsPrivilegedProcess) return; // Only root runs servers as other accounts.
        using var parent = new TemporaryDirectory();
        File.SetUnixFileMode(parent.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var state = Path.Combine(parent.Path, "state");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => EstateTestHost.StartAsync(new EstateTestOptions { StateDirectory = state }));

        Assert.Contains($"State directory {state} is unreachable for the server accounts mysql, postgres and redis: {parent.Path} is mode 700", error.ToString());
        Assert.Contains($"`chmod o+x {parent.Path}`", error.ToString());
        Assert.Contains("--state-dir /var/lib/rollout/", error.ToString());
        Assert.False(Directory.Exists(Path.Combine(state, "data")), "nothing was prepared");
    }

    [Fact]
    public void The_default_state_directory_of_a_checkout_under_a_closed_parent_moves_where_the_servers_reach_it()
    {
        if (!Environment.IsPrivilegedProcess) return;
        using var home = new TemporaryDirectory();
        File.SetUnixFileMode(home.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var checkout = Directory.CreateDirectory(Path.Combine(home.Path, "rollout")).FullName;
        var estate = Path.Combine(checkout, "rollout.yaml");
        File.Copy(Path.Combine(AppHostProcess.RepositoryRoot, "rollout.yaml"), estate);

        var chosen = EstateBuilderExtensions.ResolveStateDirectory(new EstateOptions(), estate);

        Assert.Equal(StateDirectoryAccess.SharedFor(estate), chosen);
        Assert.StartsWith("/var/lib/rollout/rollout-", chosen, StringComparison.Ordinal);
        Assert.Null(StateDirectoryAccess.Blocker(chosen));
        // An open checkout keeps .rollout next to its estate file.
        File.SetUnixFileMode(home.Path, (UnixFileMode)0b111_101_101);
        Assert.Equal(Path.Combine(checkout, ".rollout"), EstateBuilderExtensions.ResolveStateDirectory(new EstateOptions(), estate));
    }
}
