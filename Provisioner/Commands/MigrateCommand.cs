using System.CommandLine;
using Rollout.Provisioner.Migration;
using Rollout.Topology.Loading;

namespace Rollout.Provisioner.Commands;

/// <summary>
/// `migrate &lt;db&gt; --env X`: move a database declared with migrateFrom off the existing server, verified table by table;
/// `--verify-only` compares the two live databases; `--rollback` points the connection settings back to the source.
/// Exit 0 done/equal, 1 failed or different, 3 invalid input (nothing done).
/// </summary>
public static class MigrateCommand
{
    public const int InvalidInput = 3;

    public static Command Create(CommandIo io)
    {
        var options = new ProvisionerOptions();
        var database = new Argument<string>("database") { Description = "The database to move (it has `migrateFrom:` in rollout.yaml)." };
        var verifyOnly = new Option<bool>("--verify-only") { Description = "Only compare the two live databases (schema objects, row counts, chunked checksums)." };
        var rollback = new Option<bool>("--rollback") { Description = "Point the connection settings back to the source (which the migration never changed)." };
        var definers = new Option<bool>("--definers-to-service-user") { Description = "Make the service user the definer of objects whose definer does not exist on the target." };
        var chunkSize = new Option<int>("--chunk-size") { Description = "Rows per checksum chunk.", DefaultValueFactory = _ => Verification.DefaultChunkSize };
        var workDir = new Option<string?>("--work-dir") { Description = "Where the backup dump, the reports and the connection settings go (default: <state dir>/migrations)." };
        var command = new Command("migrate", "Move a database off the existing (Plesk) server: preflight, backup, dump, restore, verification, cut-over. Exit 0 done, 1 failed, 3 invalid input.");
        command.Add(database);
        options.AddTo(command, prune: false, output: false);
        foreach (var option in new Option[] { verifyOnly, rollback, definers, chunkSize, workDir }) command.Add(option);
        command.SetAction((parse, cancellationToken) => RunAsync(io, parse.GetValue(options.Environment), async () =>
        {
            if (parse.GetValue(verifyOnly) && parse.GetValue(rollback))
                throw new MigrationInputException("--verify-only and --rollback exclude each other: pick one.");
            if (parse.GetValue(chunkSize) is < 1 or > 1_000_000)
                throw new MigrationInputException("--chunk-size must be between 1 and 1000000.");
            var context = await LoadAsync(parse, options, io, cancellationToken);
            var pair = await MigrationPair.ResolveAsync(context, parse.GetValue(database)!, cancellationToken);
            var directory = parse.GetValue(workDir) is { } given ? Path.GetFullPath(given, io.WorkingDirectory) : DefaultWorkDirectory(parse, options, io, context);
            var runner = new MigrationRunner(pair, context.Binding.Name, new MigrationOptions(directory, parse.GetValue(chunkSize), parse.GetValue(definers)), io);
            if (parse.GetValue(rollback)) return await runner.RollbackAsync(cancellationToken);
            if (parse.GetValue(verifyOnly)) return await runner.VerifyAsync(cancellationToken);
            return await runner.MigrateAsync(cancellationToken);
        }));
        return command;
    }

    /// <summary>A bad estate file, an unknown environment or unset variables of a remote one are invalid input: exit 3.</summary>
    private static async Task<ProvisionerContext> LoadAsync(ParseResult parse, ProvisionerOptions options, CommandIo io, CancellationToken cancellationToken)
    {
        try
        {
            return await ProvisionerContext.LoadAsync(parse, options, io, cancellationToken);
        }
        catch (Exception e) when (e is EstateValidationException or Topology.Binding.BindingException or ArgumentException)
        {
            throw new MigrationInputException(e.Message);
        }
    }

    private static string DefaultWorkDirectory(ParseResult parse, ProvisionerOptions options, CommandIo io, ProvisionerContext context)
    {
        var state = (parse.GetValue(options.StateDirectory) ?? io.Variables("ROLLOUT_STATE_DIR")) is { Length: > 0 } dir
            ? Path.GetFullPath(dir, io.WorkingDirectory)
            : Path.Combine(Path.GetDirectoryName(context.Binding.Estate.SourcePath)!, ".rollout");
        var path = Path.Combine(state, "migrations");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Bad input (estate file, options, unknown database) is exit 3; a failed step exit 1 with its message.</summary>
    private static async Task<int> RunAsync(CommandIo io, string? environment, Func<Task<int>> body)
    {
        try
        {
            return await CommandRunner.RunAsync(io, "migrate", environment, prune: false, async () =>
            {
                try
                {
                    return await body();
                }
                catch (MigrationFailedException e)
                {
                    await io.Error.WriteLineAsync("error: " + e.Message);
                    return ExitCodes.Error;
                }
                catch (MySqlConnector.MySqlException e)
                {
                    // A server that went away or refused a read mid-run: the source was only read, so it is unchanged.
                    await io.Error.WriteLineAsync($"error: a database server failed during migrate: {e.Message} (MariaDB error {e.Number}). The source was only read and is unchanged.");
                    return ExitCodes.Error;
                }
            });
        }
        catch (MigrationInputException e)
        {
            await io.Error.WriteLineAsync("error: " + e.Message);
            return InvalidInput;
        }
    }
}
