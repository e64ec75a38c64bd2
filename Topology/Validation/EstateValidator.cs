using Rollout.Topology.Loading;
using Rollout.Topology.Model;

namespace Rollout.Topology.Validation;

/// <summary>Rules that span fields or sections, checked on the typed model after reading.</summary>
internal static class EstateValidator
{
    public static void Validate(Estate estate, LoadContext context)
    {
        ServerRules.Validate(estate, context);
        DatabaseRules.Validate(estate, context);
        MigrationRules.Validate(estate, context);
        PolicyRules.Validate(estate, context);
        EnvironmentRules.Validate(estate, context);
    }
}
