using Rollout.AppHost.Model;
using ProjectResource = Rollout.AppHost.Model.ProjectResource;
using ReferenceExpression = Rollout.AppHost.Model.ReferenceExpression;
using ParameterResource = Rollout.AppHost.Model.ParameterResource;
using EndpointReference = Rollout.AppHost.Model.EndpointReference;
using IResource = Rollout.AppHost.Model.IResource;
using IResourceWithConnectionString = Rollout.AppHost.Model.IResourceWithConnectionString;
using Rollout.AppHost.Publishing.Compose;
using Rollout.AppHost.Publishing.HostConfig;
using Rollout.AppHost.Publishing.Workflows;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing;

/// <summary>The README of the publish output: what each file is, where it is applied, and in which order.</summary>
public static class ReadmeWriter
{
    public static string Render(PublishTarget target, ApplicationModel model, IReadOnlyList<GeneratedFile> files)
    {
        var text = new TextBuilder()
            .Line($"# Deployment files for environment `{target.Name}`")
            .Line()
            .Line(GeneratedFile.GeneratedBy)
            .Line($"Regenerate with `dotnet run --project AppHost -- publish --environment {target.Name} --output-path <dir>`.")
            .Line("No file contains a secret value: secrets are referenced by name (GitHub secrets, `.env`, manifest parameters).")
            .Line();

        var placeholders = target.Placeholders;
        if (placeholders.Count > 0)
        {
            text.Line("## Placeholders — publish again before applying")
                .Line()
                .Line("These variables were unset at publish time, so the files carry placeholders that nft, iptables-restore,")
                .Line("ufw and PostgreSQL all reject (an unfinished file cannot be applied by accident):")
                .Line();
            foreach (var placeholder in placeholders)
                text.Line($"- `{placeholder.Text}`: set `{placeholder.VariableName}` ({placeholder.Source.Path} in rollout.yaml).");
            text.Line();
        }

        text.Line("## Files").Line();
        foreach (var file in files.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
            text.Line($"- `{file.RelativePath}`{Describe(file.RelativePath)}");
        text.Line($"- `{Publisher.ReadmeFileName}`: this file.").Line();

        text.Line("## Order of application").Line();
        var step = 1;
        text.Line($"{step++}. **Firewall first** on each database host, from a console session (a mistake must not lock you out):");
        foreach (var server in target.FirewalledServers)
        {
            var dir = HostConfigWriter.Directory(server);
            text.Line($"   - `{server.Name}`: `nft -c -f {dir}/{HostConfigWriter.NftablesFile} && nft -f {dir}/{HostConfigWriter.NftablesFile}` " +
                      $"(or `iptables-restore < {dir}/{HostConfigWriter.IptablesFile}`, or `sh {dir}/{HostConfigWriter.UfwFile}` — one flavour per host, not several).");
        }
        text.Line("   Then check from an outside address that the database ports are closed, and from the app server that they are open.");
        var deployed = target.Servers.Where(s => !s.Existing).ToList();
        text.Line($"{step++}. **TLS material** on each host: the CA certificate, the server certificate and its key (key mode 0600, owned by the server's user):");
        foreach (var server in deployed)
        {
            var tls = TlsMaterial.DefaultFor(server.Engine);
            text.Line($"   - `{server.Name}`: `{tls.CaPath}`, `{tls.CertificatePath}`, `{tls.KeyPath}`.");
        }
        text.Line($"{step++}. **Server configuration**, then restart the server:");
        foreach (var server in deployed)
        {
            var dir = HostConfigWriter.Directory(server);
            text.Line(server.Engine switch
            {
                Engine.MariaDb => $"   - `{server.Name}`: copy `{dir}/{MariaDbServerConfig.FileName}` to `/etc/mysql/mariadb.conf.d/`; `systemctl restart mariadb`.",
                Engine.PostgreSql => $"   - `{server.Name}`: copy `{dir}/{PostgreSqlServerConfig.ConfFileName}` to `/etc/postgresql/15/main/conf.d/` and `{dir}/{PostgreSqlServerConfig.HbaFileName}` over `/etc/postgresql/15/main/pg_hba.conf`; `systemctl restart postgresql`.",
                _ => $"   - `{server.Name}`: copy `{dir}/{RedisServerConfig.FileName}` to `/etc/redis/`, add `include /etc/redis/{RedisServerConfig.FileName}` at the end of `/etc/redis/redis.conf`; `systemctl restart redis-server`.",
            });
        }
        if (target.Environment.Github is { } github)
        {
            text.Line($"{step++}. **Secrets** into the GitHub environment `{github.Environment}` under the names the workflows use (`dotnet run --project Provisioner -- secrets sync --env {target.Name} --to github --repo <owner/name>`).");
            text.Line($"{step++}. **Workflows**: copy `.github/workflows/` into the repository. `{WorkflowWriter.RolloutFile}` provisions and smoke-tests each environment in turn " +
                      "(jobs of an environment with required reviewers wait for their approval); `" + WorkflowWriter.NightlyFile + "` smoke-tests every night and keeps the JUnit report.");
            if (target.Environment.Deploy is { } deploy)
                text.Line($"   The hosted runner reaches the databases through an SSH tunnel to `{deploy.SshHost.VariableName ?? deploy.SshHost.Raw}`: that host must be the app server " +
                          $"(`{target.AppServerIp.VariableName ?? target.AppServerIp.Source.Raw}`), the only address the firewall admits, or the jobs must run on a self-hosted runner there.");
        }
        text.Line($"{step++}. The existing servers ({string.Join(", ", target.Servers.Where(s => s.Existing).Select(s => s.Name))}) are never changed by these files.");
        text.Line()
            .Line("## Publishing")
            .Line()
            .Line("```sh")
            .Line($"PLESK_SERVER_IP=203.0.113.10 ADMIN_IP_1=198.51.100.7 PG_ADMIN_USER=<role> dotnet run --project AppHost -- publish --environment {target.Name} --output-path <dir>")
            .Line("dotnet run --project AppHost -- publish --publisher manifest --output-path <dir>   # aspire-manifest.json only")
            .Line("```")
            .Line()
            .Line("Unset address variables become `UNSET_<NAME>` placeholders (warned about on stderr); a malformed one stops publish with the variable named and nothing written.");
        text.Line()
            .Line("## Container deployment (instead of steps 2–3)")
            .Line()
            .Line($"Put the TLS material under `tls/<server>/`, fill `{ComposeWriter.EnvFileName}` (mode 0600, never commit it), then `docker-compose up -d`.")
            .Line("The provisioner starts once the servers are healthy; the smokerunner after the provisioner succeeded; its JUnit report lands in `reports/`.")
            .Line($"Service users are bound to the app server address (`{target.AppServerIp.VariableName ?? target.AppServerIp.Text}`), and the one-shot services connect from the compose network: " +
                  "their service-user logins succeed only where that network is the app server's (run them on the app server, or publish with the address they are seen from).")
            .Line($"`{Publisher.ManifestFileName}` describes the same resources for Aspire deploy tools (azd, Aspirate). Its password parameters hold these secrets:")
            .Line();
        foreach (var server in model.Servers.Where(s => s.AdminPassword is not null))
            text.Line($"- `{server.AdminPassword!.Name}`: `{target.Environment.Servers.GetValueOrDefault(server.Name)?.AdminPassword?.VariableName ?? server.AdminPassword.SecretName}`");
        foreach (var database in model.Databases)
            text.Line($"- `{database.Password.Name}`: `{database.Spec.PasswordSecretName}`");
        text.Line().Line("The other parameters are the existing servers' addresses (`<server>-host`, `<server>-port`) and the backup settings (`BACKUP_REPOSITORY` → `backup-repository`).");
        return text.ToString();
    }

    private static string Describe(string path) => path switch
    {
        Publisher.ManifestFileName => ": Aspire manifest (aspire-8.0 schema).",
        ComposeWriter.FileName => ": container deployment.",
        ComposeWriter.EnvFileName => ": the variables of the container deployment, without values.",
        _ when path.StartsWith(".github/", StringComparison.Ordinal) => ": GitHub Actions workflow.",
        _ when path.EndsWith(HostConfigWriter.NftablesFile, StringComparison.Ordinal) => ": firewall, nftables flavour.",
        _ when path.EndsWith(HostConfigWriter.IptablesFile, StringComparison.Ordinal) => ": firewall, iptables-restore flavour.",
        _ when path.EndsWith(HostConfigWriter.UfwFile, StringComparison.Ordinal) => ": firewall, ufw flavour.",
        _ when path.EndsWith(PostgreSqlServerConfig.HbaFileName, StringComparison.Ordinal) && path.StartsWith("compose/", StringComparison.Ordinal) => ": pg_hba.conf of the container deployment.",
        _ when path.EndsWith(PostgreSqlServerConfig.HbaFileName, StringComparison.Ordinal) => ": PostgreSQL client authentication.",
        _ when path.EndsWith(".conf", StringComparison.Ordinal) || path.EndsWith(".cnf", StringComparison.Ordinal) => ": server TLS settings.",
        _ => ".",
    };
}
