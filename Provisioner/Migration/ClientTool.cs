using System.Diagnostics;
using System.Globalization;
using Rollout.Topology.Binding;
using Rollout.Topology.Model;

namespace Rollout.Provisioner.Migration;

public sealed record ToolResult(int ExitCode, string Error);

/// <summary>
/// Runs the real MariaDB client programs (mariadb-dump, mariadb) against an endpoint over TLS. The password goes
/// through MYSQL_PWD, never the command line (which other users of the host can read).
/// </summary>
public static class ClientTool
{
    public static async Task<ToolResult> RunAsync(string program, ServerEndpoint endpoint, string user, Secret password, IEnumerable<string> arguments,
        string? standardInputFile, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = standardInputFile is not null,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--host=" + endpoint.Host, "--port=" + endpoint.Port.ToString(CultureInfo.InvariantCulture), "--user=" + user, "--ssl" }) start.ArgumentList.Add(argument);
        if (endpoint.CaFile is { } ca) start.ArgumentList.Add("--ssl-ca=" + ca);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["MYSQL_PWD"] = password.Reveal();

        using var process = Process.Start(start) ?? throw new MigrationFailedException($"could not start {program}");
        using var kill = cancellationToken.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } });
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        if (standardInputFile is not null)
        {
            try
            {
                await using var input = File.OpenRead(standardInputFile);
                await input.CopyToAsync(process.StandardInput.BaseStream, cancellationToken);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The client quit early (an error it reports on stderr); its exit code says what happened.
            }
        }
        await process.WaitForExitAsync(cancellationToken);
        await output;
        return new ToolResult(process.ExitCode, (await error).Trim());
    }
}
