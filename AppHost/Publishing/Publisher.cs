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
/// nothing. The same estate and variables give byte-identical files.
/// </summary>
public static class Publisher
{
    public const string ManifestFileName = "aspire-manifest.json";
    public const string ReadmeFileName = "README.md";

    public static IReadOnlyList<GeneratedFile> Render(PublishRequest request, Func<string, string?> variables)
    {
        var target = PublishTarget.Resolve(request.Estate, request.EnvironmentName, variables);
        var outputDirectory = Path.GetFullPath(request.OutputDirectory);
        var model = PublishModel.Create(target);
        var manifest = ManifestJsonWriter.Write(new ManifestBuilder(target, model, request.ProjectRoot, outputDirectory).Build());
        var files = new List<GeneratedFile> { new(ManifestFileName, manifest) };
        if (request.Publisher == PublisherKind.Manifest) return files;

        files.AddRange(ComposeWriter.Render(target, model));
        files.AddRange(WorkflowWriter.Render(request.Estate));
        files.AddRange(HostConfigWriter.Render(target));
        files.AddRange(Monitoring.MonitoringWriter.Render(target, variables));
        files.AddRange(BackupPublishing.Render(request));
        files.Add(new GeneratedFile(ReadmeFileName, ReadmeWriter.Render(target, model, files)));
        return files;
    }

    public static async Task<IReadOnlyList<GeneratedFile>> PublishAsync(PublishRequest request, Func<string, string?> variables, CancellationToken cancellationToken)
    {
        var files = Render(request, variables);
        var root = Path.GetFullPath(request.OutputDirectory);
        if (File.Exists(root))
            throw new PublishException($"--output-path '{request.OutputDirectory}' is a file; give a directory (it is created when missing).");
        foreach (var file in files)
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
