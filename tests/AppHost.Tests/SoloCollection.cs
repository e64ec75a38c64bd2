namespace Rollout.AppHost.Tests;

/// <summary>
/// Tests whose start-up must not share two cores with a dozen other estates (cold starts that run mariadb-install-db
/// and initdb, the fresh-machine chroot with its package installs, the full estate with every project): xunit runs
/// this collection alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoloCollection
{
    public const string Name = "solo";
}
