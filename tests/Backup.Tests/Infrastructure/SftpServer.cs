using System.Diagnostics;
using System.Net.Sockets;

namespace Rollout.Backup.Tests.Infrastructure;

/// <summary>
/// A real offsite server: openssh's sshd (internal-sftp) in a network namespace of its own, reached over a veth pair
/// at 10.231.N.2. Key-only login with keys made for the test; the namespace is removed on dispose (also after a failure).
/// </summary>
public sealed class SftpServer : IAsyncDisposable
{
    private readonly string _namespace;
    private readonly string _directory;
    private Process? _sshd;

    private SftpServer(string name, string directory, string address)
    {
        _namespace = name;
        _directory = directory;
        Address = address;
    }

    public string Address { get; }
    public string KeyFile => Path.Combine(_directory, "client_key");
    public string RepositoryPath => Path.Combine(_directory, "offsite-repository");

    /// <summary>BACKUP_OFFSITE_REPOSITORY and BACKUP_OFFSITE_SFTP_COMMAND for this server.</summary>
    public Dictionary<string, string> Variables => new()
    {
        ["BACKUP_OFFSITE_REPOSITORY"] = $"sftp:root@{Address}:{RepositoryPath}",
        ["BACKUP_OFFSITE_SFTP_COMMAND"] = $"ssh -i {KeyFile} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=5 root@{Address} -s sftp",
    };

    public static async Task<SftpServer> StartAsync(string baseDirectory)
    {
        var octet = Random.Shared.Next(1, 250);
        var name = $"rbk{Environment.ProcessId % 10000}x{octet}";
        var directory = Path.Combine(baseDirectory, "sftp-" + name);
        Directory.CreateDirectory(directory);
        var server = new SftpServer(name, directory, $"10.231.{octet}.2");
        try
        {
            await server.StartAsync(octet);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(int octet)
    {
        var host = "vh" + _namespace;
        var peer = "vn" + _namespace;
        await RunAsync("ip", "netns", "add", _namespace);
        await RunAsync("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
        await RunAsync("ip", "link", "set", peer, "netns", _namespace);
        await RunAsync("ip", "addr", "add", $"10.231.{octet}.1/30", "dev", host);
        await RunAsync("ip", "link", "set", host, "up");
        await RunAsync("ip", "netns", "exec", _namespace, "ip", "addr", "add", $"{Address}/30", "dev", peer);
        await RunAsync("ip", "netns", "exec", _namespace, "ip", "link", "set", peer, "up");
        await RunAsync("ip", "netns", "exec", _namespace, "ip", "link", "set", "lo", "up");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(_directory, "host_key"));
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", KeyFile);
        File.Copy(KeyFile + ".pub", Path.Combine(_directory, "authorized_keys"));
        Directory.CreateDirectory("/run/sshd");
        var config = Path.Combine(_directory, "sshd_config");
        await File.WriteAllLinesAsync(config,
        [
            $"ListenAddress {Address}", "Port 22", $"HostKey {Path.Combine(_directory, "host_key")}",
            $"AuthorizedKeysFile {Path.Combine(_directory, "authorized_keys")}", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password", "UsePAM no", "StrictModes no", $"PidFile {Path.Combine(_directory, "sshd.pid")}",
            "Subsystem sftp internal-sftp",
        ]);
        var info = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "netns", "exec", _namespace, "/usr/sbin/sshd", "-D", "-e", "-f", config }) info.ArgumentList.Add(argument);
        _sshd = Process.Start(info)!;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(Address, 22);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_sshd.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments);
        if (result.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {result.Error}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_sshd is { HasExited: false })
        {
            _sshd.Kill(entireProcessTree: true);
            await _sshd.WaitForExitAsync();
        }
        _sshd?.Dispose();
        // Removing the namespace removes the veth pair with it.
        await ProcessRunner.RunAsync("ip", ["netns", "del", _namespace]);
    }
}
