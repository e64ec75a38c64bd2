using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.HostConfig;

/// <summary>PostgreSQL TLS settings (a conf.d include) and the pg_hba.conf that admits each service role to its own database only.</summary>
public static class PostgreSqlServerConfig
{
    public const string ConfFileName = "60-rollout-tls.conf";
    public const string HbaFileName = "pg_hba.conf";

    /// <summary>Where a container reads the mounted pg_hba.conf (hba_file).</summary>
    public const string ContainerHbaTarget = "/etc/postgresql/rollout/pg_hba.conf";

    /// <summary>The server settings for TLS-only access, as name/value pairs (a conf file on a host, -c flags in a container).</summary>
    public static IReadOnlyList<(string Name, string Value)> Settings(PublishTarget target, TlsMaterial tls) =>
    [
        ("listen_addresses", "*"),
        ("ssl", target.Estate.Tls.Required ? "on" : "off"),
        ("ssl_ca_file", tls.CaPath),
        ("ssl_cert_file", tls.CertificatePath),
        ("ssl_key_file", tls.KeyPath),
        ("ssl_min_protocol_version", TlsMaterial.MinimumProtocol(target.Estate.Tls)),
        ("password_encryption", "scram-sha-256"),
    ];

    public static string RenderConf(PublishTarget target, TlsMaterial tls) => new TextBuilder()
        .Line("# " + GeneratedFile.GeneratedBy)
        .Line("# Install as /etc/postgresql/15/main/conf.d/" + ConfFileName + " (include_dir 'conf.d' is on in Debian), then restart.")
        .Lines(Settings(target, tls).Select(s => s.Value is "on" or "off" ? $"{s.Name} = {s.Value}" : $"{s.Name} = '{s.Value}'"))
        .ToString();

    /// <summary>
    /// One <c>hostssl db role app-ip/32 scram-sha-256</c> line per database, the admin role from the app
    /// server (the Provisioner reaches the host through it), local maintenance as postgres, and reject for the rest.
    /// </summary>
    public static string RenderHba(PublishTarget target, ServerSpec server) =>
        RenderHba(target, server, target.AdminUsers.TryGetValue(server.Name, out var admin) ? [admin.Text] : []);

    /// <summary>
    /// The same file with the given admin roles in place of the target's (PG_ADMIN_USER): how the local replica
    /// names its own admin (rollout_admin), which the local environment of rollout.yaml does not declare.
    /// </summary>
    public static string RenderHba(PublishTarget target, ServerSpec server, IReadOnlyList<string> adminRoles)
    {
        var app = target.AppServerIp.Text + "/32";
        var rows = new List<string[]> { new[] { "local", "all", "postgres", "", "peer" } };
        rows.AddRange(ServiceRows(target, server, app, adminRoles));
        rows.Add(["local", "all", "all", "", "reject"]);
        rows.Add(["host", "all", "all", "0.0.0.0/0", "reject"]);
        rows.Add(["host", "all", "all", "::/0", "reject"]);
        var header = new List<string> { $"{server.Name}, environment {target.Name}: each service role reaches only its own database, over TLS, from the app server." };
        if (target.Placeholders.Any())
            header.Add($"PLACEHOLDERS: {string.Join(", ", target.Placeholders.Select(p => p.Text))} were unset at publish time; PostgreSQL refuses this file until they are set.");
        return Table(header, rows);
    }

    /// <summary>
    /// The same isolation inside a container network, where clients have no fixed address: roles still
    /// reach only their own database over TLS; the source address is left to the host firewall.
    /// </summary>
    public static string RenderContainerHba(PublishTarget target, ServerSpec server, string adminUser)
    {
        var rows = new List<string[]> { new[] { "local", "all", "all", "", "scram-sha-256" } };
        rows.AddRange(ServiceRows(target, server, "all", [adminUser]));
        rows.Add(["host", "all", "all", "all", "reject"]);
        return Table([$"{server.Name} in the container deployment (docker-compose.yaml), environment {target.Name}."], rows);
    }

    private static IEnumerable<string[]> ServiceRows(PublishTarget target, ServerSpec server, string address, IReadOnlyList<string> adminRoles)
    {
        foreach (var database in target.DatabasesOn(server))
            yield return ["hostssl", database.Name, database.User, address, "scram-sha-256"];
        // The backup system's read-only dump role (backup.account), to the managed databases only.
        foreach (var database in target.DatabasesOn(server))
            yield return ["hostssl", database.Name, target.Estate.Backup.Account, address, "scram-sha-256"];
        // The exporters' monitoring role (monitoring.account): the maintenance database only, never a managed one.
        yield return ["hostssl", "postgres", target.Estate.Monitoring.Account, address, "scram-sha-256"];
        foreach (var admin in adminRoles)
            yield return ["hostssl", "all", admin, address, "scram-sha-256"];
    }

    private static string Table(IEnumerable<string> header, List<string[]> rows)
    {
        rows.Insert(0, ["# TYPE", "DATABASE", "USER", "ADDRESS", "METHOD"]);
        var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new TextBuilder().Line("# " + GeneratedFile.GeneratedBy).Lines(header.Select(h => "# " + h));
        foreach (var row in rows)
            text.Line(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        return text.ToString();
    }
}
