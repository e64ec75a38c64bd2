using Aspire.Hosting.ApplicationModel;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// One database of the estate (Aspire's PostgresDatabaseResource, but better): a child of its server whose
/// connection string uses the database's own service user and its password parameter, never the admin. Aspire names
/// allow letters, digits and hyphens, so mo_crm is the resource mo-crm with the database name mo_crm.
/// </summary>
public sealed class EstateDatabaseResource(string name, DatabaseSpec spec, Engine engine, IResourceWithConnectionString parent,
    ReferenceExpression host, ReferenceExpression port, ParameterResource password)
    : Resource(name), IResourceWithParent<IResourceWithConnectionString>, IResourceWithConnectionString
{
    public DatabaseSpec Spec { get; } = spec;

    public IResourceWithConnectionString Parent { get; } = parent;

    public ParameterResource Password { get; } = password;

    public string DatabaseName => Spec.Name;

    public ReferenceExpression ConnectionStringExpression => engine == Engine.MariaDb
        ? ReferenceExpression.Create(
            $"Server={host};Port={port};User ID={Spec.User};Password={Password};Database={Spec.Name};SslMode=Required")
        : ReferenceExpression.Create(
            $"Host={host};Port={port};Username={Spec.User};Password={Password};Database={Spec.Name};SSL Mode=Require");

    /// <summary>rollout.yaml's database name as an Aspire resource name: mo_crm → mo-crm.</summary>
    public static string ResourceName(string databaseName) => databaseName.Replace('_', '-');

    /// <summary>The service user's password parameter: svc_crm → svc-crm-password.</summary>
    public static string PasswordParameterName(DatabaseSpec database) => database.User.Replace('_', '-') + "-password";
}
