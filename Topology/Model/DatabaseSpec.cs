namespace Rollout.Topology.Model;

/// <summary>
/// One database and its single service user. MariaDB databases carry Charset/Collation,
/// PostgreSQL ones Encoding/LcCollate/LcCtype/Extensions; the other fields are null or empty.
/// </summary>
public sealed record DatabaseSpec(
    string Name,
    string ServerName,
    string User,
    string? UserHost,
    string Purpose,
    string? Charset,
    string? Collation,
    string? Encoding,
    string? LcCollate,
    string? LcCtype,
    IReadOnlyList<string> Extensions,
    bool Optional,
    string SecretPrefix,
    string? MigrateFrom = null)
{
    /// <summary>True when the database is being moved here from another server (<c>migrateFrom:</c>); see the migrate verb.</summary>
    public bool IsMigration => MigrateFrom is not null;

    /// <summary>Secret holding the user name, e.g. MO_CRM_DB_USER or PG_IDP_DB_USER.</summary>
    public string UserSecretName => SecretPrefix + "_USER";

    /// <summary>Secret holding the password, e.g. MO_CRM_DB_PASS or PG_IDP_DB_PASS.</summary>
    public string PasswordSecretName => SecretPrefix + "_PASS";
}
