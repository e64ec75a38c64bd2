using System.Text.Json.Serialization;

namespace Rollout.Provisioner.Planning;

[JsonConverter(typeof(JsonStringEnumConverter<ChangeKind>))]
public enum ChangeKind
{
    /// <summary>Something missing is created.</summary>
    Add,
    /// <summary>Something present is altered to match the estate.</summary>
    Change,
    /// <summary>Access the estate forbids (PUBLIC on a managed database, or an extra with --prune) is removed.</summary>
    Revoke,
    /// <summary>Something present the estate does not want: reported, removed only with --prune.</summary>
    Unmanaged,
}

[JsonConverter(typeof(JsonStringEnumConverter<ObjectKind>))]
public enum ObjectKind { Database, User, Grant, Extension }

/// <summary>
/// One statement. Text may carry a password hash/verifier and is only sent to the server;
/// Display is what is printed (hash masked). Database: run connected to that database (PostgreSQL).
/// </summary>
public sealed record SqlStatement(string Text, string Display, string? Database = null)
{
    public static SqlStatement Plain(string text, string? database = null) => new(text, text, database);
}

/// <summary>
/// One change of a server's plan. IsDrift: the object exists but differs from the estate (as opposed
/// to not existing yet). ManualFix: the engine cannot converge this in place; the text says what to do.
/// </summary>
public sealed record PlannedChange(
    string Server,
    ChangeKind Kind,
    ObjectKind Object,
    string Subject,
    string Reason,
    IReadOnlyList<SqlStatement> Statements,
    bool IsDrift,
    string? ManualFix = null)
{
    /// <summary>Whether apply executes this change (Unmanaged and manual ones are only reported).</summary>
    public bool IsExecutable => Kind != ChangeKind.Unmanaged && ManualFix is null && Statements.Count > 0;
}
