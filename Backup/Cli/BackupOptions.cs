using System.CommandLine;
using Rollout.Topology.Binding;
using Rollout.Topology.Loading;
using Rollout.Topology.Model;
using Rollout.Topology.Secrets;

namespace Rollout.Backup.Cli;

/// <summary>The options every command shares, as the Provisioner has them (--env, --estate/ROLLOUT_ESTATE, --state-dir/ROLLOUT_STATE_DIR).</summary>
public sealed class BackupOptions
{
    public Option<string> Environment { get; } = new("--env", "-e", "--environment")
    {
        Description = "The environment of rollout.yaml to act on: local, staging or production.",
        Required = true,
    };

    public Option<string?> Estate { get; } = new("--estate") { Description = "Path of the estate file (default: $ROLLOUT_ESTATE, else rollout.yaml searched upwards)." };

    public Option<string?> StateDirectory { get; } = new("--state-dir") { Description = "State directory (default: $ROLLOUT_STATE_DIR, else .rollout next to rollout.yaml)." };

    public Option<string?> Database { get; } = new("--database", "-d") { Description = "One database of rollout.yaml (default: every backed-up database)." };

    public void AddTo(Command command, bool database = true)
    {
        command.Add(Environment);
        command.Add(Estate);
        command.Add(StateDirectory);
        if (database) command.Add(Database);
    }

    public CommonValues Values(ParseResult parse, CommandIo io) =>
        new(parse.GetValue(Environment)!, parse.GetValue(Estate) ?? (io.Variables("ROLLOUT_ESTATE") is { Length: > 0 } e ? e : null), parse.GetValue(StateDirectory));

    /// <summary>The databases a command acts on; an unknown or not backed-up name is invalid input.</summary>
    public IReadOnlyList<DatabaseSpec> Databases(ParseResult parse, BackupContext context) => Select(context, parse.GetValue(Database));

    /// <summary>Every backed-up database of the bound environment, or the one named.</summary>
    public static IReadOnlyList<DatabaseSpec> Select(BackupContext context, string? name)
    {
        var servers = BackupSecrets.BackedUpServers(context.Estate, context.Binding.Environment).Select(s => s.Name).ToHashSet();
        var backedUp = context.Binding.Databases.Where(d => servers.Contains(d.ServerName)).ToList();
        if (name is null) return backedUp;
        var database = context.Binding.Databases.FirstOrDefault(d => d.Name == name)
            ?? throw new BackupInputException($"--database {name}: no such database in environment '{context.Binding.Name}' of {context.Estate.SourcePath} (databases: {string.Join(", ", backedUp.Select(d => d.Name))}).");
        return servers.Contains(database.ServerName) ? [database]
            : throw new BackupInputException($"--database {name}: it is on server '{database.ServerName}', which Rollout never alters (no backup account there); back it up with the host's own tools.");
    }
}

/// <summary>Runs a command body; bad input exits 3 (nothing done), a failed operation 1; messages never hold a secret.</summary>
public static class CommandRunner
{
    public static async Task<int> RunAsync(CommandIo io, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is BackupInputException or EstateValidationException or BindingException or FileNotFoundException)
        {
            await io.Error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is BackupException or InvalidOperationException or KeyNotFoundException or System.Data.Common.DbException)
        {
            await io.Error.WriteLineAsync("error: " + Rollout.ServiceDefaults.Redaction.SecretRedactor.Shared.Redact(e.Message));
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException)
        {
            await io.Error.WriteLineAsync("error: cancelled.");
            return ExitCodes.Failed;
        }
    }
}
