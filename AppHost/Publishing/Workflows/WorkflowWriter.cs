using System.Globalization;
using Rollout.AppHost.Publishing.Secrets;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Workflows;

/// <summary>
/// GitHub Actions workflows: <c>rollout.yml</c> (provision → smoke per environment, in the estate's
/// order, each gated by its GitHub environment — production's required reviewers) and
/// <c>nightly-smoke.yml</c> (smoke every environment, JUnit report uploaded).
/// </summary>
/// <remarks>
/// The firewall admits database connections only from the app server, so a hosted runner reaches the
/// servers through an SSH tunnel to deploy.sshHost: every server endpoint is forwarded to a local port
/// and the Provisioner/SmokeRunner are pointed at it through the same variables they always read.
/// </remarks>
public static class WorkflowWriter
{
    public const string RolloutFile = ".github/workflows/rollout.yml";
    public const string NightlyFile = ".github/workflows/nightly-smoke.yml";
    public const int FirstTunnelPort = 15001;

    /// <summary>After the backup window of rollout.yaml (02:00–05:00 UTC), before the working day.</summary>
    public const string NightlyCron = "30 5 * * *";

    public static IEnumerable<EnvironmentSpec> GithubEnvironments(Estate estate) =>
        estate.Environments.Where(e => e.Kind == EnvironmentKind.Remote && e.Github is not null);

    public static IReadOnlyList<GeneratedFile> Render(Estate estate)
    {
        var environments = GithubEnvironments(estate).ToList();
        if (environments.Count == 0) return [];

        var rollout = new TextBuilder()
            .Line("# " + GeneratedFile.GeneratedBy)
            .Line("# Provision, then smoke-test, each environment in turn: " + string.Join(" → ", environments.Select(e => e.Name)) + ".")
            .Line("# Jobs of an environment with required reviewers wait for their approval (Settings → Environments).")
            .Line("name: Rollout")
            .Line("on:")
            .Line("  push:")
            .Line("    branches: [main]")
            .Line("    paths: [rollout.yaml]")
            .Line("  workflow_dispatch:")
            .Line("permissions:")
            .Line("  contents: read")
            .Line("concurrency:")
            .Line("  group: rollout")
            .Line("  cancel-in-progress: false")
            .Line("jobs:");
        string? previous = null;
        foreach (var environment in environments)
        {
            var provision = $"provision-{environment.Name}";
            AppendJob(rollout, estate, environment, provision, $"Provision {environment.Name}", previous,
                "Provision", "dotnet run --project Provisioner -- " + string.Join(' ', ProjectCommands.Provision(environment.Name)), junit: false);
            previous = $"smoke-{environment.Name}";
            AppendJob(rollout, estate, environment, previous, $"Smoke {environment.Name}", provision,
                "Smoke test", SmokeCommand(environment), junit: true);
        }

        var nightly = new TextBuilder()
            .Line("# " + GeneratedFile.GeneratedBy)
            .Line("# Smoke-test every environment each night and keep the JUnit report as an artifact.")
            .Line("name: Nightly smoke")
            .Line("on:")
            .Line("  schedule:")
            .Line($"    - cron: \"{NightlyCron}\"")
            .Line("  workflow_dispatch:")
            .Line("permissions:")
            .Line("  contents: read")
            .Line("jobs:");
        foreach (var environment in environments)
            AppendJob(nightly, estate, environment, $"smoke-{environment.Name}", $"Nightly smoke {environment.Name}", null,
                "Smoke test", SmokeCommand(environment), junit: true);

        return [new GeneratedFile(RolloutFile, rollout.ToString()), new GeneratedFile(NightlyFile, nightly.ToString())];
    }

    public static string JunitFile(EnvironmentSpec environment) => ProjectCommands.JunitFile(environment.Name);

    private static string SmokeCommand(EnvironmentSpec environment) =>
        "dotnet run --project SmokeRunner -- " + string.Join(' ', ProjectCommands.Smoke(environment.Name, JunitFile(environment)));

    private static void AppendJob(TextBuilder text, Estate estate, EnvironmentSpec environment, string id, string name,
        string? needs, string stepName, string command, bool junit)
    {
        var catalogue = SecretCatalogue.For(estate, environment);
        var tunnel = TunnelEndpoints(estate, environment);
        var tunnelVariables = tunnel.SelectMany(t => new[] { t.Endpoint.Host.VariableName, t.Endpoint.Port.VariableName })
            .OfType<string>().ToHashSet();
        var deployVariables = environment.Deploy is { } d
            ? new[] { d.SshHost, d.SshPort, d.SshUser, d.SshTargetDir }.Select(s => s.VariableName).OfType<string>().Append(SecretCatalogue.SshPrivateKey).ToHashSet()
            : [];

        text.Line($"  {id}:")
            .Line($"    name: {name}");
        if (needs is not null) text.Line($"    needs: {needs}");
        text.Line("    runs-on: ubuntu-latest")
            .Line($"    environment: {environment.Github!.Environment}")
            .Line("    timeout-minutes: 30")
            .Line("    steps:")
            .Line("      - uses: actions/checkout@v4")
            .Line("      - uses: actions/setup-dotnet@v4")
            .Line("        with:")
            .Line("          dotnet-version: 10.0.x");
        if (environment.Deploy is { } deploy)
        {
            text.Line("      - name: Open an SSH tunnel through the app server")
                .Line("        env:");
            foreach (var secret in catalogue.Secrets.Where(s => deployVariables.Contains(s.Name) && s.Name != deploy.SshTargetDir.VariableName || tunnelVariables.Contains(s.Name)))
                text.Line($"          {secret.Name}: ${{{{ secrets.{secret.Name} }}}}");
            text.Line("        run: |")
                .Line("          install -d -m 700 ~/.ssh")
                .Line($"          printf '%s\\n' \"${SecretCatalogue.SshPrivateKey}\" > ~/.ssh/rollout_deploy_key")
                .Line("          chmod 600 ~/.ssh/rollout_deploy_key")
                .Line("          set --");
            foreach (var (endpoint, serverName, localPort) in tunnel)
                text.Line($"          host={ShellSetting.Word(endpoint.Host)}; port={ShellSetting.Word(endpoint.Port)}")
                    .Line($"          if [ -n \"$host\" ]; then set -- \"$@\" -L \"127.0.0.1:{localPort}:$host:$port\"; fi  # {serverName}");
            text.Line($"          ssh -i ~/.ssh/rollout_deploy_key -p {ShellSetting.Word(deploy.SshPort)} -o StrictHostKeyChecking=accept-new \\")
                .Line("            -o ExitOnForwardFailure=yes -o ServerAliveInterval=30 -f -N \"$@\" \\")
                .Line($"            {ShellSetting.Word(deploy.SshUser)}@{ShellSetting.Word(deploy.SshHost)}");
        }
        text.Line($"      - name: {stepName}")
            .Line("        env:");
        foreach (var secret in catalogue.Secrets.Where(s => !deployVariables.Contains(s.Name)))
        {
            if (!tunnelVariables.Contains(secret.Name))
                text.Line($"          {secret.Name}: ${{{{ secrets.{secret.Name} }}}}");
        }
        foreach (var (endpoint, serverName, localPort) in tunnel)
        {
            if (endpoint.Host.VariableName is { } host) text.Line($"          {host}: 127.0.0.1  # {serverName} through the tunnel");
            if (endpoint.Port.VariableName is { } port) text.Line($"          {port}: \"{localPort.ToString(CultureInfo.InvariantCulture)}\"");
        }
        text.Line($"        run: {command}");
        if (junit)
        {
            text.Line("      - name: Upload the JUnit report")
                .Line("        if: always()")
                .Line("        uses: actions/upload-artifact@v4")
                .Line("        with:")
                .Line($"          name: {Path.GetFileNameWithoutExtension(JunitFile(environment))}")
                .Line($"          path: {JunitFile(environment)}")
                .Line("          if-no-files-found: error");
        }
    }

    private static List<(ServerEndpointSpec Endpoint, string ServerName, int LocalPort)> TunnelEndpoints(Estate estate, EnvironmentSpec environment) =>
        estate.EnabledServers(environment)
            .Where(s => environment.Servers.ContainsKey(s.Name))
            .Select((s, i) => (environment.Servers[s.Name], s.Name, FirstTunnelPort + i))
            .ToList();
}
