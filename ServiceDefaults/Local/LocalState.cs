using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rollout.ServiceDefaults.Local;

/// <summary>
/// The running local replica as the AppHost writes it to &lt;state&gt;/resources.json: the one file
/// scripts, the Provisioner and the SmokeRunner read to find the local endpoints.
/// </summary>
public sealed record ResourceSnapshot(
    [property: JsonPropertyName("stateDirectory")] string StateDirectory,
    [property: JsonPropertyName("caCertificate")] string? CaCertificate,
    [property: JsonPropertyName("appHostPid")] int AppHostPid,
    [property: JsonPropertyName("resources")] IReadOnlyList<ResourceState> Resources)
{
    public const string FileName = "resources.json";

    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static async Task<ResourceSnapshot> ReadAsync(string stateDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(stateDirectory, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} does not exist: the local stack is not running. Start it with `dotnet run --project AppHost`.", path);
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<ResourceSnapshot>(stream, JsonOptions, cancellationToken)
            ?? throw new InvalidDataException($"{path} is empty.");
    }

    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(StateDirectory, FileName);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(this, JsonOptions), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>One resource row: name, kind, state, endpoint, pid, and its connection string with the password masked.</summary>
public sealed record ResourceState(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("host")] string? Host,
    [property: JsonPropertyName("port")] int? Port,
    [property: JsonPropertyName("pid")] int? Pid,
    [property: JsonPropertyName("connectionString")] string? ConnectionString);

/// <summary>Names of the local-only secrets the AppHost keeps in the local secret store.</summary>
public static class LocalSecretNames
{
    /// <summary>The administrative account the AppHost creates on each local database server.</summary>
    public const string AdminUser = "rollout_admin";

    /// <summary>Local store key of a server's admin password, e.g. ROLLOUT_ADMIN_PASS_EXTERNAL_MARIADB.</summary>
    public static string AdminPassword(string serverName) =>
        "ROLLOUT_ADMIN_PASS_" + serverName.ToUpperInvariant().Replace('-', '_');
}
