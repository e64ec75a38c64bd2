using Rollout.Topology.Model;

namespace Rollout.AppHost.Model;

/// <summary>
/// One database of the estate on its server (Aspire's MySqlDatabaseResource), named as in rollout.yaml
/// (mo_crm). Its connection string uses the database's own service user, never the admin: the
/// user's password is the parameter <see cref="Password"/> stored under <see cref="DatabaseSpec.PasswordSecretName"/>.
/// </summary>
public sealed class DatabaseResource : IResourceWithConnectionString
{
    public DatabaseResource(DatabaseSpec spec, ServerResource parent, ParameterResource password)
    {
        Spec = spec;
        Parent = parent;
        Password = password;
        parent.AddDatabase(this);
    }

    public DatabaseSpec Spec { get; }

    public string Name => Spec.Name;

    public string Kind => "Database";

    public ServerResource Parent { get; }

    public ParameterResource Password { get; }

    public string User => Spec.User;

    public ReferenceExpression ConnectionStringExpression => Parent.Engine == Engine.MariaDb
        ? ReferenceExpression.Create(
            $"Server={Parent.Endpoint.Host};Port={Parent.Endpoint.Port};User ID={User};Password={Password};Database={Name};SslMode=Required")
        : ReferenceExpression.Create(
            $"Host={Parent.Endpoint.Host};Port={Parent.Endpoint.Port};Username={User};Password={Password};Database={Name};SSL Mode=Require");
}
