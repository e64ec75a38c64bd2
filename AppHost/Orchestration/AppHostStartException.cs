namespace Rollout.AppHost.Orchestration;

/// <summary>The stack could not be brought up; every other resource has been stopped already. The message says why and how to fix it.</summary>
public sealed class AppHostStartException(string message, Exception? inner = null) : Exception(message, inner);
