using Rollout.AppHost.Testing;

namespace Rollout.AppHost.Tests;

/// <summary>One running local estate shared by the tests of the "stack" collection.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    public TestingStack Stack { get; private set; } = null!;

    public async Task InitializeAsync() => Stack = await RolloutTestingBuilder.Create().StartAsync();

    public async Task DisposeAsync() => await Stack.DisposeAsync();
}

[CollectionDefinition("stack")]
public sealed class StackCollection : ICollectionFixture<StackFixture>;
