using Rollout.Backup.Publishing;

namespace Rollout.AppHost.Publishing;

/// <summary>
/// The backup part of `publish`: Backup's own generator (systemd service + timer per schedule of rollout.yaml, the
/// restore test, and backup.env.template naming every secret, no value) under backup/ of the output.
/// </summary>
public static class BackupPublishing
{
    public static IEnumerable<GeneratedFile> Render(PublishRequest request)
    {
        try
        {
            return new BackupUnitsGenerator(request.Estate, request.EnvironmentName).Generate()
                .Select(file => new GeneratedFile(file.RelativePath, file.Content)).ToList();
        }
        catch (Rollout.Backup.Publishing.PublishException e)
        {
            throw new PublishException($"{request.Estate.SourcePath}: backup.schedules / backup.restoreTest: {e.Message}");
        }
    }
}
