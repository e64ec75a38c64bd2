using System.Text.Json;
using System.Text.Json.Serialization;
using Rollout.Provisioner.Planning;

namespace Rollout.Provisioner.Output;

/// <summary>The machine view of a plan (--output json). Statements as displayed: no hash or password.</summary>
public static class PlanJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public sealed record Document(string Environment, bool Prune, bool DriftOnly, Summary Summary, IReadOnlyList<Server> Servers, IReadOnlyList<ExistingServerCheck> ExistingChecks);
    public sealed record Summary(int Add, int Change, int Revoke, int Unmanaged, bool Pending);
    public sealed record Server(string Name, string Engine, string Host, int Port, int CatalogQueries, IReadOnlyList<Change> Changes, IReadOnlyList<string>? Notes);
    public sealed record Change(ChangeKind Kind, ObjectKind Object, string Subject, string Reason, bool Drift, bool Executable, string? ManualFix, IReadOnlyList<Statement> Statements);
    public sealed record Statement(string Sql, string? Database);

    public static Document ToDocument(ProvisioningPlan plan, bool driftOnly)
    {
        bool Shown(PlannedChange c) => !driftOnly || c.IsDrift;
        var shown = plan.Changes.Where(Shown).ToList();
        return new Document(plan.Environment, plan.Prune, driftOnly,
            new Summary(shown.Count(c => c.Kind == ChangeKind.Add), shown.Count(c => c.Kind == ChangeKind.Change),
                shown.Count(c => c.Kind == ChangeKind.Revoke), shown.Count(c => c.Kind == ChangeKind.Unmanaged),
                driftOnly ? shown.Count > 0 : plan.HasPendingChanges),
            plan.Servers.Select(s => new Server(s.Endpoint.Name, s.Endpoint.Engine.ToString(), s.Endpoint.Host, s.Endpoint.Port, s.CatalogQueries,
                s.Changes.Where(Shown).Select(c => new Change(c.Kind, c.Object, c.Subject, c.Reason, c.IsDrift, c.IsExecutable, c.ManualFix,
                    c.Statements.Select(st => new Statement(st.Display, st.Database)).ToList())).ToList(),
                s.Notes.Count > 0 ? s.Notes : null)).ToList(),
            plan.ExistingChecks);
    }

    public static async Task WriteAsync(TextWriter writer, ProvisioningPlan plan, bool driftOnly, CancellationToken cancellationToken)
    {
        await writer.WriteLineAsync(JsonSerializer.Serialize(ToDocument(plan, driftOnly), Options).AsMemory(), cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }
}
