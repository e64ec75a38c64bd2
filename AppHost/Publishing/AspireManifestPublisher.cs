using Rollout.AppHost.Hosting;

namespace Rollout.AppHost.Publishing;

/// <summary>
/// aspire-manifest.json from Aspire's own manifest publisher: the estate's application model
/// (<see cref="EstateApplication"/>) built in publish mode in this process, as
/// `dotnet run --project AppHost -- --publisher manifest --output-path &lt;file&gt;` does.
/// </summary>
internal static class AspireManifestPublisher
{
    /// <summary>Writes the manifest to <paramref name="path"/> (project paths in it are relative to that file's directory, so it is written in place).</summary>
    public static async Task<GeneratedFile> WriteAsync(PublishRequest request, string path, CancellationToken cancellationToken)
    {
        var options = new EstateOptions { EstatePath = request.Estate.SourcePath, EnvironmentName = request.EnvironmentName, NoDashboard = true };
        var (app, _) = EstateApplication.Build(options, ["--publisher", "manifest", "--output-path", path]);
        await using (app)
            await app.RunAsync(cancellationToken);
        if (!File.Exists(path)) throw new PublishException($"Aspire's manifest publisher wrote no {path}.");
        return new GeneratedFile(Path.GetRelativePath(Path.GetFullPath(request.OutputDirectory), path), await File.ReadAllTextAsync(path, cancellationToken));
    }
}
