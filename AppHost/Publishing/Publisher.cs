using Rollout.AppHost.Publishing.Compose;
using Rollout.AppHost.Publishing.HostConfig;
using Rollout.AppHost.Publishing.Manifest;
using Rollout.AppHost.Publishing.Workflows;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing;

public enum PublisherKind { All, Manifest }

/// <summary>What to publish: the estate, one environment of it, and where the files go.</summary>
public sealed record PublishRequest(Estate Estate, string EnvironmentName, string OutputDirectory, PublisherKind Publisher, string ProjectRoot);

/// <summary>
/// Renders every file first and writes only when all of them rendered, so a bad input changes
/// nothing; the manifest is Aspire's own (<see cref="AspireManifestPublisher"/>). The same estate and variables give
/// byte-identical files.
/// </summary>
public static class Publisher
{
    public const string ManifestFileName = "aspire-manifest.json";
    public const string ReadmeFileName = "README.md";

    /// <summary>Every file but the manifest, rendered in memory (a bad input fails here, before anything is written).</summary>
    public static IReadOnlyList<GeneratedFile> Render(PublishRequest request, Func<string, string?> variables)
    {
        var target = PublishTarget.Resolve(request.Estate, request.EnvironmentName, variables);
        if (request.Publisher == PublisherKind.Manifest) return [];
        var model = PublishModel.Create(target);
        var files = new List<GeneratedFile>();
        files.AddRange(ComposeWriter.Render(target, model));
        files.AddRange(WorkflowWriter.Render(request.Estate));
        files.AddRange(HostConfigWriter.Render(target));
        files.AddRange(Monitoring.MonitoringWriter.Render(target, variables));
        files.AddRange(BackupPublishing.Render(request));
        files.Add(new GeneratedFile(ReadmeFileName, ReadmeWriter.Render(target, model, [new GeneratedFile(ManifestFileName, ""), .. files])));
        return files;
    }

    public static async Task<IReadOnlyList<GeneratedFile>> PublishAsync(PublishRequest request, Func<string, string?> variables, CancellationToken cancellationToken)
    {
        var rendered = Render(request, variables);
        var root = Path.GetFullPath(request.OutputDirectory);
        if (File.Exists(root))
            throw new PublishException($"--output-path '{request.OutputDirectory}' is a file; give a directory (it is created when missing).");
        Directory.CreateDirectory(root);
        // Aspire's publisher writes the manifest itself, first: if it fails, none of the other files is written either.
        var manifest = await AspireManifestPublisher.WriteAsync(request, Path.Combine(root, ManifestFileName), cancellationToken);
        File.SetUnixFileMode(Path.Combine(root, ManifestFileName), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        List<GeneratedFile> files = [manifest, .. rendered];
        foreach (var file in rendered)
        {
            var path = Path.Combine(root, file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, file.Bytes(), cancellationToken);
            var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            if (file.Executable) mode |= UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            // The .env template will hold secrets once filled in: owner-only from the start.
            if (file.RelativePath == ComposeWriter.EnvFileName) mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            File.SetUnixFileMode(path, mode);
        }
        return files;
    }
}
