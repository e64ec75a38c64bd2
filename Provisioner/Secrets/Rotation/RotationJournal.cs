using Rollout.ServiceDefaults.Secrets;

namespace Rollout.Provisioner.Secrets.Rotation;

/// <summary>Where unfinished rotations keep their pending passwords: &lt;state&gt;/rotation-pending-&lt;env&gt;.json (0600).</summary>
public static class RotationJournal
{
    public static LocalSecretStore For(string stateDirectory, string environment) =>
        new(Path.Combine(stateDirectory, $"rotation-pending-{environment}.json"));
}
