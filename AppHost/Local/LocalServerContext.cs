using Rollout.AppHost.Local.Processes;
using Rollout.AppHost.Local.Tls;
using Rollout.ServiceDefaults.Passwords;
using Rollout.ServiceDefaults.Redaction;
using Rollout.ServiceDefaults.Secrets;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Local;

/// <summary>What every local server of one AppHost run shares: state layout, CA, secret store, programs, process record.</summary>
public sealed class LocalServerContext(
    Estate estate,
    StateLayout layout,
    LocalCertificateAuthority certificateAuthority,
    LocalSecretStore secrets,
    ServerBinaries binaries,
    LeftoverProcesses leftovers)
{
    private readonly SemaphoreSlim _templateGate = new(1, 1);

    public Estate Estate { get; } = estate;

    public StateLayout Layout { get; } = layout;

    public LocalCertificateAuthority CertificateAuthority { get; } = certificateAuthority;

    public LocalSecretStore Secrets { get; } = secrets;

    public ServerBinaries Binaries { get; } = binaries;

    public LeftoverProcesses Leftovers { get; } = leftovers;

    /// <summary>The secret under <paramref name="name"/>, generated (32 random bytes, base64) and stored when missing.</summary>
    public async Task<Secret> EnsureSecretAsync(string name, CancellationToken cancellationToken)
    {
        if (await Secrets.GetAsync(name, cancellationToken) is { IsEmpty: false } existing)
        {
            SecretRedactor.Shared.Register(existing);
            return existing;
        }
        var generated = GeneratedPassword.New();
        SecretRedactor.Shared.Register(generated);
        await Secrets.SetAsync(name, generated, cancellationToken);
        return generated;
    }

    /// <summary>
    /// One initialised MariaDB data directory per state directory, copied for each MariaDB server:
    /// mariadb-install-db is the slow part of a cold start and its output is the same for all.
    /// </summary>
    public async Task<string> MariaDbTemplateAsync(ServerAccount? account, CancellationToken cancellationToken)
    {
        var template = Path.Combine(Layout.DataRoot, ".mariadb-template");
        var complete = Path.Combine(Layout.DataRoot, ".mariadb-template.complete");
        await _templateGate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(complete)) return template;
            var arguments = new List<string>
            {
                "--no-defaults", $"--datadir={template}", "--auth-root-authentication-method=socket",
                "--skip-test-db", "--skip-name-resolve",
            };
            arguments.AddRange(MariaDb.MariaDbConfiguration.StorageOptions.Select(o => "--" + o));
            // One retry: on a machine shared with other server-heavy work the bootstrap server is
            // occasionally lost mid-way ("cat: write error: Broken pipe"); a clean second run fixes it.
            for (var attempt = 1; ; attempt++)
            {
                if (Directory.Exists(template)) Directory.Delete(template, recursive: true);
                Directory.CreateDirectory(template);
                ServerAccount.Own(account, template);
                try
                {
                    await ChildProcessLauncher.RunToCompletionAsync(
                        new LaunchSpec(Binaries.MariaDbInstallDb, arguments, Layout.Log("mariadb-install-db"), account, Signal.Kill),
                        "mariadb-install-db", cancellationToken);
                    break;
                }
                catch (LocalServerException) when (attempt == 1)
                {
                }
            }
            await File.WriteAllTextAsync(complete, "", cancellationToken);
            return template;
        }
        finally
        {
            _templateGate.Release();
        }
    }
}
