using Rollout.Provisioner.Commands;

namespace Rollout.Provisioner.Migration;

public sealed record MigrationOptions(string WorkDirectory, int ChunkSize, bool DefinersToServiceUser);

/// <summary>
/// The steps of `migrate`, in order, each stopping the run when it fails: preflight, backup (the kept dump), restore,
/// collation conversion, verification, cut-over. The source is only read, as the service user in a read-only session.
/// </summary>
public sealed class MigrationRunner(MigrationPair pair, string environment, MigrationOptions options, CommandIo io)
{
    private void Say(string line) => io.Out.WriteLine(line);

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        Say($"migrate {pair.Name}: {pair.Source} → {pair.Target} (environment {environment})");
        await using var source = await pair.OpenSourceAsync(cancellationToken);
        await using var target = await pair.OpenTargetAdminAsync(cancellationToken);
        var tables = await TableShape.ReadAllAsync(source, pair.Name, cancellationToken);
        var findings = await new Preflight(pair, source, target, tables).RunAsync(options.WorkDirectory, options.DefinersToServiceUser, cancellationToken);
        foreach (var finding in findings) Say("preflight " + finding);
        if (findings.Any(f => f.Severity == Severity.Error))
        {
            await ReportAsync("migrate", findings, null, [], null, "preflight failed: nothing was copied", cancellationToken);
            await io.Error.WriteLineAsync($"error: preflight of {pair.Name} failed ({findings.Count(f => f.Severity == Severity.Error)} error(s) above): nothing was copied, {pair.Source.Name} was only read.");
            return ExitCodes.Error;
        }

        var backup = await DumpFile.TakeAsync(pair, options.WorkDirectory, tables.Count, cancellationToken);
        Say($"backup: {backup.Path} ({backup.Bytes} bytes, sha256 {backup.Sha256}, {backup.Tables} tables, complete): keep it until the migration is accepted");
        var definers = await DefinerMap.ReadAsync(pair, source, target, options.DefinersToServiceUser, cancellationToken);
        var script = Path.Combine(options.WorkDirectory, $"{pair.Name}.restore.sql");
        var sections = await DumpFile.WriteRestoreScriptAsync(backup.Path, script, definers, cancellationToken);
        await Restorer.RestoreAsync(pair, script, sections, cancellationToken);
        File.Delete(script);
        Say($"restore: {pair.Target.Name}.{pair.Name} loaded, objects owned by {pair.ServiceUser}@{pair.TargetUserHost}");
        var conversions = await Restorer.ConvertCollationsAsync(pair, target, tables, cancellationToken);
        foreach (var conversion in conversions) Say("converted " + conversion);

        var verification = await Verification.RunAsync(pair, source, target, options.ChunkSize, new Progress(Say), cancellationToken);
        if (!verification.Equal)
        {
            foreach (var problem in verification.Problems) await io.Error.WriteLineAsync($"error: {pair.Name}: {problem}");
            await ReportAsync("migrate", findings, backup, conversions, verification, "verification failed: settings not switched", cancellationToken);
            await io.Error.WriteLineAsync($"error: {pair.Name} on {pair.Target.Name} differs from {pair.Source.Name} (above): the connection settings were not switched; the source is unchanged.");
            return ExitCodes.Error;
        }
        var settings = await ConnectionSettings.WriteAsync(options.WorkDirectory, pair, pair.Target, "target", cancellationToken);
        await ReportAsync("migrate", findings, backup, conversions, verification, "migrated and verified; settings switched to the target", cancellationToken);
        Say($"cut-over: {settings} now points at {pair.Target}; deploy it with the application (rollback: migrate {pair.Name} --rollback)");
        return ExitCodes.NoChanges;
    }

    public async Task<int> VerifyAsync(CancellationToken cancellationToken)
    {
        Say($"verify {pair.Name}: {pair.Source} ↔ {pair.Target} (environment {environment})");
        await using var source = await pair.OpenSourceAsync(cancellationToken);
        await using var target = await pair.OpenTargetAdminAsync(cancellationToken);
        var verification = await Verification.RunAsync(pair, source, target, options.ChunkSize, new Progress(Say), cancellationToken);
        foreach (var problem in verification.Problems) await io.Error.WriteLineAsync($"difference: {pair.Name}: {problem}");
        await ReportAsync("verify", [], null, [], verification, verification.Equal ? "equal" : "different", cancellationToken);
        Say(verification.Equal ? $"{pair.Name}: schema objects, row counts and checksums are equal on both servers." : $"{pair.Name}: the two databases differ (above).");
        return verification.Equal ? ExitCodes.NoChanges : ExitCodes.Error;
    }

    public async Task<int> RollbackAsync(CancellationToken cancellationToken)
    {
        // The source must still be there and readable before the application is sent back to it.
        await using (var source = await pair.OpenSourceAsync(cancellationToken))
        {
            var tables = await TableShape.ReadAllAsync(source, pair.Name, cancellationToken);
            Say($"rollback {pair.Name}: {pair.Source} is reachable with {tables.Count} tables (unchanged by the migration)");
        }
        var settings = await ConnectionSettings.WriteAsync(options.WorkDirectory, pair, pair.Source, "source", cancellationToken);
        Say($"rollback: {settings} points at {pair.Source} again; deploy it with the application. The copy on {pair.Target.Name} is left as it is.");
        return ExitCodes.NoChanges;
    }

    private async Task ReportAsync(string mode, IReadOnlyList<Finding> findings, DumpSummary? backup, IReadOnlyList<string> conversions, VerificationResult? verification, string outcome, CancellationToken cancellationToken)
    {
        var report = new MigrationReport(pair.Name, environment, mode, pair.Source.ToString(), pair.Target.ToString(), DateTimeOffset.UtcNow, findings, backup, conversions, verification, outcome);
        var (markdown, json) = await report.WriteAsync(options.WorkDirectory, cancellationToken);
        Say($"report: {markdown} and {json}");
    }

    private sealed class Progress(Action<string> say) : IProgress<string>
    {
        public void Report(string value) => say(value);
    }
}
