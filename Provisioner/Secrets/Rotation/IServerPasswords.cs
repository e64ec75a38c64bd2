using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Secrets.Rotation;

public enum LoginResult { Succeeded, Denied }

/// <summary>What rotation needs from a database engine: try a TLS login as the service user, and set its password.</summary>
public interface IServerPasswords
{
    /// <summary>Logs in over TLS as <paramref name="user"/>; Denied only for a wrong password, anything else throws.</summary>
    Task<LoginResult> TryLoginAsync(ServerEndpoint endpoint, DatabaseSpec database, Secret password, CancellationToken cancellationToken);

    /// <summary>Sets the password on the server (every host entry of a MariaDB user) without sending the plaintext.</summary>
    Task<string> SetPasswordAsync(ServerEndpoint endpoint, DatabaseSpec database, Secret password, CancellationToken cancellationToken);

    public static IServerPasswords For(Engine engine) => engine switch
    {
        Engine.MariaDb => new MariaDbPasswords(),
        Engine.PostgreSql => new PostgreSqlPasswords(),
        _ => throw new RotationException($"{engine} servers have no service users to rotate."),
    };
}

/// <summary>A rotation that stopped; the message says where and what re-running does.</summary>
public sealed class RotationException(string message, Exception? inner = null) : Exception(message, inner);
