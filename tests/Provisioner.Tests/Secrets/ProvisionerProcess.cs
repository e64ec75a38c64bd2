using Rollout.Topology.Loading;

namespace Rollout.Provisioner.Tests.Secrets;

/// <summary>Runs the real Provisioner as a child process (for tests that make it exit part-way).</summary>
internal static class ProvisionerProcess
{
    /// <summary>
    /// The Provisioner from its own build output, as the AppHost and a user run it: this test project's output is laid
    /// out for the ASP.NET framework the AppHost reference brings, so it lacks assemblies the Provisioner ships with
    /// (Microsoft.Extensions.Logging of OpenTelemetry) and the copy there cannot start on its own.
    /// </summary>
    public static string Assembly { get; } = Locate();

    public static async Task<(int Code, string Output)> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var result = await ProcessRunner.RunAsync("dotnet", ["exec", Assembly, .. args], environment);
        return (result.ExitCode, result.All);
    }

    private static string Locate()
    {
        // <repo>/tests/Provisioner.Tests/bin/<configuration>/<framework>/ → <repo>/Provisioner/bin/<configuration>/<framework>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var repository = Path.GetDirectoryName(EstateLoader.Locate(AppContext.BaseDirectory))!;
        var dll = Path.Combine(repository, "Provisioner", "bin", output.Parent!.Name, output.Name, "Rollout.Provisioner.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} does not exist: build the Provisioner (dotnet build Provisioner) first.");
    }
}
