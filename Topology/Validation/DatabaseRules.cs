using System.Text.RegularExpressions;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Topology.Validation;

internal static partial class DatabaseRules
{
    private static readonly string[] Charsets = ["utf8mb4", "utf8mb3", "utf8", "latin1", "ascii", "binary"];
    private static readonly string[] Encodings = ["UTF8", "LATIN1", "LATIN9", "WIN1252", "SQL_ASCII"];

    [GeneratedRegex(@"^(C|POSIX|C\.UTF-8|C\.utf8|[a-z]{2,3}_[A-Z]{2}(\.(?<codeset>UTF-8|utf8|ISO-8859-1|ISO-8859-15))?(@[a-z]+)?)$")]
    private static partial Regex LocalePattern();

    [GeneratedRegex("^[a-z][a-z0-9_-]*$")]
    private static partial Regex ExtensionPattern();

    public static void Validate(Estate estate, LoadContext context)
    {
        var ownerOfUser = new Dictionary<string, DatabaseSpec>();
        var ownerOfSecret = new Dictionary<string, DatabaseSpec>();
        foreach (var db in estate.Databases)
        {
            var path = $"databases.{db.Name}";
            var server = estate.Servers.FirstOrDefault(s => s.Name == db.ServerName);
            if (server is null)
            {
                if (db.ServerName.Length > 0)
                    context.Error($"{path}.server", $"server '{db.ServerName}' is not defined; defined servers: {string.Join(", ", estate.Servers.Select(s => s.Name))}.");
                continue;
            }
            if (context.BrokenServers.Contains(server.Name)) continue;
            if (Identifiers.CheckSqlName(db.Name, server.Engine, isUser: false) is { } nameProblem)
                context.Error(path, $"database name {nameProblem}");
            else if (server.Engine == Engine.MariaDb && !server.Existing && Identifiers.CheckMariaDbGrantPattern(db.Name) is { } patternProblem)
                context.Error(path, $"database name {patternProblem}");
            if (Identifiers.CheckSqlName(db.User, server.Engine, isUser: true) is { } userProblem)
                context.Error($"{path}.user", $"user name {userProblem}");

            if (ownerOfUser.TryGetValue(db.User, out var other))
            {
                var otherEngine = estate.Servers.FirstOrDefault(s => s.Name == other.ServerName)?.Engine;
                context.Error($"{path}.user", otherEngine is { } e && e != server.Engine
                    ? $"user '{db.User}' owns databases on two engines ({other.Name} on {e}, {db.Name} on {server.Engine}): give each database its own service user."
                    : $"user '{db.User}' already owns database '{other.Name}': one service user per database.");
            }
            else ownerOfUser[db.User] = db;

            if (!Identifiers.SecretName().IsMatch(db.SecretPrefix))
                context.Error($"{path}.secretPrefix", $"'{db.SecretPrefix}' is not a secret name prefix: upper-case letters, digits and _ (e.g. PG_IDP_DB).");
            else if (ownerOfSecret.TryGetValue(db.SecretPrefix, out var clash))
                context.Error($"{path}.secretPrefix", $"secret prefix '{db.SecretPrefix}' is already used by database '{clash.Name}'.");
            else ownerOfSecret[db.SecretPrefix] = db;

            if (db.UserHost is { } host)
            {
                if (!server.Existing)
                    context.Error($"{path}.userHost", $"userHost is only for databases on existing servers; on '{server.Name}' the user's host is the environment's appServerIp.");
                else if (host.Contains('%') || host.Contains('_'))
                    context.Error($"{path}.userHost", $"'{host}' is a wildcard host: name one host or IP (e.g. localhost).");
                else if (server.Engine == Engine.MariaDb && Identifiers.CheckMariaDbHost(host) is { } hostProblem)
                    context.Error($"{path}.userHost", hostProblem);
            }

            if (server.Existing)
                foreach (var (key, value) in new[] { ("charset", db.Charset), ("collation", db.Collation), ("encoding", db.Encoding), ("lcCollate", db.LcCollate), ("lcCtype", db.LcCtype) })
                    if (value is not null)
                        context.Error($"{path}.{key}", $"'{server.Name}' is an existing server: Rollout never creates or alters databases there, so {key} is not taken (move the database to a managed server).");
            if (server.Existing && db.Extensions.Count > 0)
                context.Error($"{path}.extensions", $"'{server.Name}' is an existing server: Rollout never creates extensions there.");

            switch (server.Engine)
            {
                case Engine.MariaDb: ValidateMariaDb(db, server, path, context); break;
                case Engine.PostgreSql: ValidatePostgreSql(db, server, path, context); break;
            }
        }
    }

    private static void ValidateMariaDb(DatabaseSpec db, ServerSpec server, string path, LoadContext context)
    {
        foreach (var (key, value) in new[] { ("encoding", db.Encoding), ("lcCollate", db.LcCollate), ("lcCtype", db.LcCtype) })
            if (value is not null)
                context.Error($"{path}.{key}", $"{key} is a PostgreSQL setting; '{server.Name}' is a MariaDB server: use charset and collation.");
        if (db.Extensions.Count > 0)
            context.Error($"{path}.extensions", $"extensions are a PostgreSQL feature; '{server.Name}' is a MariaDB server.");
        if (!server.Existing)
        {
            if (db.Charset is null) context.Error(path, "charset is required for a new MariaDB database (the plan: utf8mb4).");
            if (db.Collation is null) context.Error(path, "collation is required for a new MariaDB database (the plan: utf8mb4_unicode_ci).");
        }
        if (db.Charset is { } charset && !Charsets.Contains(charset))
            context.Error($"{path}.charset", $"unknown charset '{charset}'; allowed: {string.Join(", ", Charsets)}.");
        else if (db.Charset is { } cs && db.Collation is { } collation && !collation.StartsWith(cs + "_", StringComparison.Ordinal))
            context.Error($"{path}.collation", $"collation '{collation}' does not belong to charset {cs}: use a {cs}_* collation such as {cs}_unicode_ci.");
        else if (db.Collation is { } c && !Identifiers.SqlName().IsMatch(c))
            context.Error($"{path}.collation", $"'{c}' is not a collation name (lower-case letters, digits and _).");
    }

    private static void ValidatePostgreSql(DatabaseSpec db, ServerSpec server, string path, LoadContext context)
    {
        foreach (var (key, value) in new[] { ("charset", db.Charset), ("collation", db.Collation) })
            if (value is not null)
                context.Error($"{path}.{key}", $"{key} is a MariaDB setting; '{server.Name}' is a PostgreSQL server: use encoding, lcCollate and lcCtype.");
        if (!server.Existing)
            foreach (var (key, value) in new[] { ("encoding", db.Encoding), ("lcCollate", db.LcCollate), ("lcCtype", db.LcCtype) })
                if (value is null) context.Error(path, $"{key} is required for a new PostgreSQL database (e.g. UTF8 / de_AT.UTF-8).");
        if (db.Encoding is { } encoding && !Encodings.Contains(encoding))
            context.Error($"{path}.encoding", $"unknown encoding '{encoding}'; allowed: {string.Join(", ", Encodings)}.");
        foreach (var (key, value) in new[] { ("lcCollate", db.LcCollate), ("lcCtype", db.LcCtype) })
        {
            if (value is null) continue;
            var match = LocalePattern().Match(value);
            if (!match.Success)
                context.Error($"{path}.{key}", $"'{value}' is not a locale name of the form language_COUNTRY.UTF-8 (e.g. de_AT.UTF-8), C or POSIX.");
            else if (db.Encoding == "UTF8" && match.Groups["codeset"].Success && match.Groups["codeset"].Value.StartsWith("ISO", StringComparison.Ordinal))
                context.Error($"{path}.{key}", $"locale '{value}' uses {match.Groups["codeset"].Value}, which does not match encoding UTF8: use {value.Split('.')[0]}.UTF-8.");
            else if (db.Encoding == "UTF8" && !match.Groups["codeset"].Success && value.Contains('_'))
                context.Error($"{path}.{key}", $"locale '{value}' names no codeset (on Debian that means ISO-8859-1), which does not match encoding UTF8: use {value}.UTF-8.");
        }
        foreach (var extension in db.Extensions)
            if (!ExtensionPattern().IsMatch(extension))
                context.Error($"{path}.extensions", $"'{extension}' is not an extension name (lower-case letters, digits, _ and -).");
    }
}
