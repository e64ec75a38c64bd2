namespace Rollout.Provisioner.Tests.Secrets;

/// <summary>Runs the real Provisioner as a child process (for tests that make it exit part-way).</summary>
internal static class ProvisionerProcess
{
    private static readonly string Assembly = Path.Combine(AppContext.BaseDirectory, "Rollout.Provisioner.dll");

    public static async Task<(int Code, string Output)> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var result = await ProcessRunner.RunAsync("dotnet", ["exec", Assembly, .. args], environment);
        return (result.ExitCode, result.All);
    }
}
