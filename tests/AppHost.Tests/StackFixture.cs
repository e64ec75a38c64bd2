namespace Rollout.AppHost.Tests;

/// <summary>One running local estate (Aspire.Hosting.Testing, no projects) shared by the tests of the "stack" collection.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    public EstateTestHost Stack { get; private set; } = null!;

    public async Task InitializeAsync() => Stack = await EstateTestHost.StartAsync();

    public async Task DisposeAsync() => await Stack.DisposeAsync();
}

[CollectionDefinition("stack")]
public sealed class StackCollection : ICollectionFixture<StackFixture>;
