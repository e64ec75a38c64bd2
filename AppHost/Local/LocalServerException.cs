namespace Rollout.AppHost.Local;

/// <summary>A local server could not be started; the message names the cause and the fix.</summary>
public class LocalServerException(string message, Exception? inner = null) : Exception(message, inner);
