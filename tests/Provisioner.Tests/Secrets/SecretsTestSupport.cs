using System.CommandLine;
using Rollout.Provisioner.Secrets;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Tests.Secrets;

/// <summary>The repository's rollout.yaml and small helpers shared by the secrets tests.</summary>
internal static class SecretsTestSupport
{
    public static string EstatePath { get; } = EstateLoader.Locate(AppContext.BaseDirectory);

    public static string EstateText { get; } = File.ReadAllText(EstatePath);

    public static Estate Estate() => EstateLoader.LoadFile(EstatePath);

    /// <summary>rollout.yaml with one exact piece replaced, loaded; fails loudly when the piece is not there.</summary>
    public static Estate EstateWith(string find, string replace)
    {
        Assert.True(EstateText.Contains(find, StringComparison.Ordinal), $"rollout.yaml no longer contains: {find}");
        return EstateLoader.LoadText(EstateText.Replace(find, replace, StringComparison.Ordinal), EstatePath);
    }

    /// <summary>Runs a secrets command in-process with the given environment variables; returns exit code and all output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(IReadOnlyDictionary<string, string> variables, params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var command in SecretsCommands.Create(name => variables.GetValueOrDefault(name))) root.Subcommands.Add(command);
        var output = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        return (code, output.ToString());
    }

    /// <summary>A fresh temporary directory, deleted on dispose.</summary>
    public sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("rollout-secrets-test-").FullName;

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Fails when any of the values occurs in the text (secret leak scan).</summary>
    public static void AssertNoSecretIn(string text, IEnumerable<string> values)
    {
        foreach (var value in values.Where(v => v.Length >= 8))
            Assert.False(text.Contains(value, StringComparison.Ordinal), $"a secret value leaked into output ({value.Length} chars)");
    }
}
