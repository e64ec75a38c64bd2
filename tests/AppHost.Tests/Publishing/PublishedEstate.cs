using Rollout.AppHost.Publishing;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Tests.Publishing;

/// <summary>The real rollout.yaml, published into a fresh temporary directory that is removed on dispose.</summary>
internal sealed class PublishedEstate : IDisposable
{
    /// <summary>Addresses from documentation ranges (RFC 5737): never routed anywhere.</summary>
    public static readonly IReadOnlyDictionary<string, string> ProductionVariables = new Dictionary<string, string>
    {
        ["PLESK_SERVER_IP"] = "203.0.113.10",
        ["ADMIN_IP_1"] = "198.51.100.7",
        ["ADMIN_IP_2"] = "198.51.100.64/28",
        ["PG_ADMIN_USER"] = "rollout_admin",
    };

    public static string EstatePath { get; } = EstateLoader.Locate(AppContext.BaseDirectory);

    public static Estate Estate { get; } = EstateLoader.LoadFile(EstatePath);

    public static string ProjectRoot { get; } = Path.GetDirectoryName(EstatePath)!;

    private PublishedEstate(string directory, IReadOnlyList<GeneratedFile> files)
    {
        Directory = directory;
        Files = files;
    }

    public string Directory { get; }

    public IReadOnlyList<GeneratedFile> Files { get; }

    public string PathOf(string relativePath) => System.IO.Path.Combine(Directory, relativePath);

    public string Text(string relativePath) => File.ReadAllText(PathOf(relativePath));

    public static Task<PublishedEstate> PublishAsync(string environment = "production", IReadOnlyDictionary<string, string>? variables = null,
        PublisherKind publisher = PublisherKind.All, string? directory = null, Estate? estate = null)
    {
        variables ??= ProductionVariables;
        directory ??= NewDirectory();
        return PublishIntoAsync(directory, environment, variables, publisher, estate ?? Estate);
    }

    private static async Task<PublishedEstate> PublishIntoAsync(string directory, string environment, IReadOnlyDictionary<string, string> variables, PublisherKind publisher, Estate estate)
    {
        var request = new PublishRequest(estate, environment, directory, publisher, ProjectRoot);
        var files = await Publisher.PublishAsync(request, name => variables.GetValueOrDefault(name), CancellationToken.None);
        return new PublishedEstate(directory, files);
    }

    public static string NewDirectory() =>
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rollout-publish-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
    }
}
