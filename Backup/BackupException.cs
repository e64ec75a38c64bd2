namespace Rollout.Backup;

/// <summary>A backup operation failed; the message names the database or repository, the cause and the fix, never a secret.</summary>
public sealed class BackupException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Bad input (unknown database, tier, environment, option): nothing was done.</summary>
public sealed class BackupInputException(string message) : Exception(message);

/// <summary>Exit codes shared by every Rollout program.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int InvalidInput = 3;
}
