using System.Globalization;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Hosting;

/// <summary>
/// A connection string as resources.json shows it: the resource's own ReferenceExpression rendered with the local
/// endpoint and every parameter (a password) as the mask, so the one definition is shown without its secret.
/// </summary>
public static class MaskedConnectionString
{
    public static async Task<string> RenderAsync(ReferenceExpression expression, EstateRuntime runtime, CancellationToken cancellationToken)
    {
        var values = new List<object?>();
        foreach (var provider in expression.ValueProviders)
        {
            values.Add(provider switch
            {
                ParameterResource => Secret.Mask,
                ReferenceExpression inner => await RenderAsync(inner, runtime, cancellationToken),
                EndpointReferenceExpression { Endpoint.Resource: EstateServerResource server } => runtime.Address(server.Spec).Port.ToString(CultureInfo.InvariantCulture),
                _ => await provider.GetValueAsync(cancellationToken),
            });
        }
        return string.Format(CultureInfo.InvariantCulture, expression.Format, [.. values]);
    }
}
