namespace Rollout.AppHost.Publishing;

/// <summary>
/// How the published deployment invokes the Provisioner and SmokeRunner (issue 3: <c>apply --env</c>;
/// issue 4: <c>--junit &lt;file&gt;</c>). One place for the manifest, compose and the workflows.
/// </summary>
public static class ProjectCommands
{
    public static string[] Provision(string environment) => ["apply", "--env", environment];

    public static string[] Smoke(string environment, string junitFile) => ["--env", environment, "--junit", junitFile];

    public static string JunitFile(string environment) => $"smoke-{environment}.xml";
}
