using Rollout.Topology.Model;
using Rollout.Topology.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rollout.Topology.Loading;

/// <summary>
/// Reads rollout.yaml into the typed <see cref="Estate"/> and validates it before anyone acts.
/// Every problem is collected and thrown together as an <see cref="EstateValidationException"/>.
/// </summary>
public static class EstateLoader
{
    public const string DefaultFileName = "rollout.yaml";

    public static Estate LoadFile(string path)
    {
        if (!File.Exists(path))
            throw new EstateValidationException([new ValidationError(path, 0, 0, "", $"the estate file does not exist (create it, or pass --estate <path>).")]);
        return LoadText(File.ReadAllText(path), path);
    }

    /// <summary>Walks up from <paramref name="directory"/> to the first rollout.yaml, like git finds .git.</summary>
    public static string Locate(string? directory = null)
    {
        for (var dir = new DirectoryInfo(directory ?? Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DefaultFileName);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"No {DefaultFileName} in {directory ?? Directory.GetCurrentDirectory()} or any parent directory: run from the repository or pass --estate <path>.");
    }

    public static Estate LoadText(string yaml, string sourceName)
    {
        var context = new LoadContext(sourceName);
        var root = Parse(yaml, context);
        if (root is null) throw new EstateValidationException(context.Errors);

        var top = YamlMap.Of(root, "", context);
        if (top is null) throw new EstateValidationException(context.Errors);

        var version = top.Int("version", required: true, 1, 1);
        var project = top.String("project", required: true) ?? "";
        var servers = ServerReader.Read(top.Map("servers", required: true), context);
        var databases = DatabaseReader.Read(top.Map("databases", required: true), context);
        var grants = PolicyReader.Grants(top.Map("grants", required: true), context);
        var tls = PolicyReader.Tls(top.Map("tls", required: true));
        var firewall = PolicyReader.Firewall(top.Map("firewall", required: true));
        var backup = PolicyReader.Backup(top.Map("backup", required: true), context);
        var monitoring = PolicyReader.Monitoring(top.Map("monitoring"));
        var alerts = AlertReader.Read(top.Node("alerts"), "alerts", context);
        var smoke = PolicyReader.Smoke(top.Map("smoke", required: true));
        var environments = EnvironmentReader.Read(top.Map("environments", required: true), context);
        top.RejectUnknownKeys();
        _ = version;

        var estate = new Estate(sourceName, project, servers, databases, grants, tls, firewall, backup, alerts, smoke, environments) { Monitoring = monitoring };
        var readingErrors = context.Errors.Count;
        EstateValidator.Validate(estate, context);
        if (context.Errors.Count > 0)
            throw new EstateValidationException(ErrorOrder.CauseFirst(context.Errors, readingErrors));
        return estate;
    }

    private static YamlNode? Parse(string yaml, LoadContext context)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0)
            {
                context.Error(Mark.Empty, "", "the file is empty: it needs version, project, servers, databases, grants, tls, firewall, backup, alerts, smoke and environments.");
                return null;
            }
            return stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            var message = e.Message.StartsWith("Duplicate key", StringComparison.Ordinal)
                ? $"{e.Message.Split(" Line:")[0].ToLowerInvariant()}: each key may appear once in a mapping (a database, user or server name must be unique)."
                : $"not valid YAML: {(e.InnerException ?? e).Message}";
            context.Error(e.Start, "", message);
            return null;
        }
    }
}
