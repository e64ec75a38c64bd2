using Rollout.AppHost.Local;
using Rollout.AppHost.Local.PostgreSql;

namespace Rollout.AppHost.Tests.Model;

public sealed class LocalePrerequisiteTests
{
    private static Topology.Model.Estate Estate() =>
        Topology.Loading.EstateLoader.LoadFile(Topology.Loading.EstateLoader.Locate(AppContext.BaseDirectory));

    [Fact]
    public void The_required_locales_come_from_the_estate()
    {
        Assert.Equal(["de_AT.UTF-8", "en_US.UTF-8"], LocalePrerequisite.RequiredLocales(Estate()));
    }

    [Fact]
    public async Task Missing_locales_without_root_give_the_exact_command()
    {
        var error = await Assert.ThrowsAsync<LocalServerException>(() => LocalePrerequisite.EnsureAsync(Estate(), CancellationToken.None,
            installed: () => Task.FromResult<IReadOnlySet<string>>(new HashSet<string> { "c.utf8", "en_us.utf8" }), privileged: false));
        Assert.StartsWith("PostgreSQL needs the locales de_AT.UTF-8 (rollout.yaml lcCollate/lcCtype), which this machine lacks. Generate them with:", error.Message);
        Assert.Contains("sed -i 's/^# *de_AT.UTF-8 /de_AT.UTF-8 /' /etc/locale.gen", error.Message);
        Assert.EndsWith("&& locale-gen\"", error.Message);
    }

    [Fact]
    public async Task Present_locales_pass()
    {
        await LocalePrerequisite.EnsureAsync(Estate(), CancellationToken.None,
            installed: () => Task.FromResult<IReadOnlySet<string>>(new HashSet<string> { "de_at.utf8", "en_us.utf8" }), privileged: false);
    }
}
