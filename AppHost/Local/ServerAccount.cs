using System.Runtime.InteropServices;

namespace Rollout.AppHost.Local;

/// <summary>
/// The unprivileged system user a server runs as when the AppHost runs as root (PostgreSQL refuses
/// root; MariaDB and Redis should not have it either). Null when the AppHost is not root: then
/// everything runs as the invoking user.
/// </summary>
public sealed partial record ServerAccount(string Name, int Uid, int Gid)
{
    /// <summary>The account for a server user name when running as root, else null.</summary>
    public static ServerAccount? ForServerUser(string name)
    {
        if (!Environment.IsPrivilegedProcess) return null;
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length > 3 && fields[0] == name)
                return new ServerAccount(name, int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture));
        }
        throw new LocalServerException($"Running as root, but the system user '{name}' does not exist: it is created by the server's Debian package (reinstall it), or run the AppHost as a normal user.");
    }

    /// <summary>Gives a file or directory to this account (no-op when null).</summary>
    public static void Own(ServerAccount? account, string path)
    {
        if (account is null) return;
        if (Chown(path, account.Uid, account.Gid) != 0)
            throw new LocalServerException($"Cannot give {path} to user {account.Name}: errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>Gives a directory and everything in it to this account (no-op when null); symbolic links themselves, not their targets.</summary>
    public static void OwnRecursively(ServerAccount? account, string directory)
    {
        if (account is null) return;
        Own(account, directory);
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (Lchown(entry, account.Uid, account.Gid) != 0)
                throw new LocalServerException($"Cannot give {entry} to user {account.Name}: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>setpriv arguments that switch to this account before the program runs.</summary>
    public IEnumerable<string> SetprivArguments() =>
        [$"--reuid={Uid}", $"--regid={Gid}", "--init-groups"];

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, int owner, int group);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Lchown(string path, int owner, int group);
}
